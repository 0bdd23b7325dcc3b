// A component's data: refetchable by its id through Query.node (Relay's Node interface).
import { graphql } from "react-relay";

export const promiseCard = graphql`
  fragment PromiseCard_promise on CitizenPromise @refetchable(queryName: "PromiseCardRefetchQuery") {
    id
    title
    municipality {
      name
    }
  }
`;

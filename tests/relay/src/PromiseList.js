// A paginated list: Relay's connection over citizenPromises(first, after).
import { graphql } from "react-relay";

export const promiseList = graphql`
  fragment PromiseList_query on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" })
  @refetchable(queryName: "PromiseListPaginationQuery") {
    citizenPromises(first: $first, after: $after) @connection(key: "PromiseList_citizenPromises") {
      totalCount
      edges {
        node {
          id
          ...PromiseCard_promise
        }
      }
    }
  }
`;

export const promiseListQuery = graphql`
  query PromiseListQuery {
    ...PromiseList_query
  }
`;

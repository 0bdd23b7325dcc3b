// GraphiQL's start-up, as strawberry's page has it inline, moved to a file so the page's
// Content-Security-Policy can be script-src 'self' without a nonce or 'unsafe-inline'.
// No subscriptions (the API has none) and no CSRF cookie (the API takes bearer tokens).
const EXAMPLE_QUERY = `# Samverkan GraphQL API
#
# Run a query with Ctrl-Enter (or the play button). For example:

{
  counties {
    code
    name
  }
}
`;

const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

function updateURL(data) {
  Object.assign(parameters, data);
  const search = new URLSearchParams(Object.entries(parameters).filter(([, value]) => Boolean(value)));
  history.replaceState(null, "", `?${search}`);
}

const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });

function GraphiQLWithExplorer() {
  const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
  const [variables, setVariables] = React.useState(parameters.variables);
  const [headers, setHeaders] = React.useState(parameters.headers);
  return React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    query,
    variables,
    headers,
    onEditQuery(value) {
      setQuery(value);
      updateURL({ q: value });
    },
    onEditVariables(value) {
      setVariables(value);
      updateURL({ variables: value });
    },
    onEditHeaders: setHeaders,
    inputValueDeprecation: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQLWithExplorer));

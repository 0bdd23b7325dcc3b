// Runs the graphql-http server audits against a served Samverkan API and prints the results
// as JSON lines: {"id", "name", "status", "reason"}. Usage: node audit.mjs URL
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
for (const result of results) {
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? null }));
}

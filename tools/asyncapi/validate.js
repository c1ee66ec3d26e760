// Validates AsyncAPI documents with the official parser (@asyncapi/parser): prints every diagnostic and exits 1
// when any is an error (or a warning), 0 when the parser accepts the document cleanly.
// Usage: node tools/asyncapi/validate.js docs/asyncapi.yaml [...]
const fs = require('fs');
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser');

const SEVERITY = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning',
                   [DiagnosticSeverity.Information]: 'info', [DiagnosticSeverity.Hint]: 'hint' };

async function check(path) {
  const { document, diagnostics } = await new Parser().parse(fs.readFileSync(path, 'utf8'), { source: path });
  let failed = document === undefined;
  for (const d of diagnostics) {
    const where = (d.path || []).join('/');
    console.log(`${path}: ${SEVERITY[d.severity]} ${d.code}: ${d.message} at /${where}`);
    failed = failed || d.severity <= DiagnosticSeverity.Warning;
  }
  console.log(`${path}: ${failed ? 'INVALID' : 'valid'} (@asyncapi/parser ${require('@asyncapi/parser/package.json').version})`);
  return !failed;
}

(async () => {
  const paths = process.argv.slice(2);
  if (!paths.length) { console.error('usage: node validate.js FILE...'); process.exit(2); }
  let ok = true;
  for (const path of paths) ok = (await check(path)) && ok;
  process.exit(ok ? 0 : 1);
})().catch((err) => { console.error(err); process.exit(1); });

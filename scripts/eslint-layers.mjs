// The `docvault/layers` ESLint rule (VS Code's `code-layering` is the model): every source file belongs to
// one layer, found by its folder, and may import only from the layers its row of the table names. The table
// itself lives in eslint.config.js and reaches this rule as its options, so there is one place to read it.
//
// Options: { layers: { [layer]: { dirs: string[], allow: string[] } }, rawIpc: { names: string[], files: string[] } }
//   - `dirs` are folders relative to the project root; a file belongs to the layer with the longest matching dir.
//   - `allow` names other layers, plus two pseudo-layers for modules outside the tree: `node` (Node built-ins)
//     and `electron` (`electron`, `electron/*`). Other packages (react, zod…) are not layered.
//   - `rawIpc`: these named imports of electron (ipcMain, ipcRenderer) are allowed only in these files.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const builtins = new Set(builtinModules);

/** The pseudo-layer of a bare module specifier, or undefined when it is not layered. */
function externalLayer(spec) {
  if (spec === 'electron' || spec.startsWith('electron/')) return 'electron';
  if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) return 'node';
  return undefined;
}

function toPosix(p) {
  return p.split(sep).join('/');
}

/** The layer a project-relative path belongs to: the one with the longest matching folder. */
export function layerOf(relPath, layers) {
  let best;
  let bestLen = -1;
  for (const [name, { dirs }] of Object.entries(layers)) {
    for (const dir of dirs) {
      if ((relPath === dir || relPath.startsWith(`${dir}/`)) && dir.length > bestLen) {
        best = name;
        bestLen = dir.length;
      }
    }
  }
  return best;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only from the layers the table in eslint.config.js allows' },
    schema: [{ type: 'object', additionalProperties: true }],
  },
  create(context) {
    const { layers, rawIpc } = context.options[0] ?? {};
    const root = context.cwd;
    const file = toPosix(relative(root, context.filename));
    const own = layerOf(file, layers);
    if (own === undefined) return {};
    const allowed = new Set([own, ...layers[own].allow]);

    function check(node, spec, importedNames) {
      if (typeof spec !== 'string') return;
      let target;
      if (spec.startsWith('.')) target = layerOf(toPosix(relative(root, resolve(dirname(context.filename), spec))), layers);
      else target = externalLayer(spec);
      if (target !== undefined && !allowed.has(target)) {
        context.report({
          node,
          message: `Layer "${own}" (${file}) may not import from "${target}" ("${spec}"). It may import: ${[...allowed].join(', ')}. See the layer table in eslint.config.js.`,
        });
        return;
      }
      if (target === 'electron' && rawIpc !== undefined && !rawIpc.files.includes(file)) {
        // A default or namespace import (`*`) reaches ipcMain too, so it counts as raw IPC.
        for (const name of importedNames) {
          if (rawIpc.names.includes(name) || name === '*')
            context.report({ node, message: `Raw IPC (${name === '*' ? 'a whole-module import of electron' : name}) belongs only in ${rawIpc.files.join(', ')}: use the IPC wrapper.` });
        }
      }
    }

    const namesOf = (node) =>
      (node.specifiers ?? []).map((s) => (s.type === 'ImportSpecifier' || s.type === 'ExportSpecifier' ? (s.imported?.name ?? s.local?.name) : '*'));

    return {
      ImportDeclaration: (node) => check(node, node.source.value, namesOf(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, namesOf(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, ['*']),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, ['*']),
    };
  },
};

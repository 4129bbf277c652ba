/** Top-bar toggles of the side panels (Performance, Settings): one open at a time, in place of the editor. */

/** Which panel fills the main pane. */
export type Panel = 'none' | 'performance' | 'benchmark' | 'settings' | 'audit';

/** The panels with a top-bar toggle (the Audit log opens from Settings → This vault). */
const PANELS: readonly { readonly panel: Exclude<Panel, 'none' | 'audit'>; readonly label: string; readonly title: string }[] = [
  { panel: 'performance', label: 'Performance', title: 'Live throughput, latency, cache and event-loop figures' },
  { panel: 'benchmark', label: 'Benchmark', title: 'Run the benchmark trials on scratch stores (never this vault)' },
  { panel: 'settings', label: 'Settings', title: 'Memory, auto-lock, ticker, and the facts of this vault' },
];

/** The toggles. */
export function PanelButtons({ panel, onPanel }: { panel: Panel; onPanel: (p: Panel) => void }) {
  return (
    <>
      {PANELS.map((p) => (
        <button key={p.panel} type="button" aria-pressed={panel === p.panel} title={p.title} onClick={() => onPanel(panel === p.panel ? 'none' : p.panel)}>
          {p.label}
        </button>
      ))}
    </>
  );
}

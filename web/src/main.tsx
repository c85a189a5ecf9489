import { createDOMRenderer, RendererProvider } from '@fluentui/react-components';
import { createRoot } from 'react-dom/client';
import { App, StartFailure } from './App';
import { Auth } from './auth';
import './index.css';

// Fluent UI (Griffel) writes its CSS into <style> elements at run time. The page's Content-Security-Policy allows
// only styles carrying this load's nonce (the portal function writes it into <meta property="csp-nonce">), so every
// style element Griffel and FluentProvider create carries it — and no 'unsafe-inline' is needed.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;
const renderer = createDOMRenderer(document, { styleElementAttributes: nonce ? { nonce } : undefined });

const root = createRoot(document.getElementById('root')!);
const render = (node: React.ReactNode) =>
  root.render(
    <RendererProvider renderer={renderer} targetDocument={document}>
      {node}
    </RendererProvider>,
  );
Auth.start().then(
  (auth) => render(<App auth={auth} />),
  (err: unknown) => render(<StartFailure message={err instanceof Error ? err.message : String(err)} />),
);

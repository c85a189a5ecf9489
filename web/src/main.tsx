import { createRoot } from 'react-dom/client';
import { App, StartFailure } from './App';
import { Auth } from './auth';
import './index.css';

const root = createRoot(document.getElementById('root')!);
Auth.start().then(
  (auth) => root.render(<App auth={auth} />),
  (err: unknown) => root.render(<StartFailure message={err instanceof Error ? err.message : String(err)} />),
);

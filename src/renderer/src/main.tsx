import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api/client';
import { useApp } from './store/app-store';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
root.render(<StrictMode><App /></StrictMode>);
useApp.getState().init(connect()).catch((err: unknown) => {
  useApp.getState().say(`Cannot reach Meter's core: ${(err as Error).message}`);
});

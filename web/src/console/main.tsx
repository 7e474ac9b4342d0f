import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/styles.css';
import { ConsoleApp } from './app.js';

createRoot(document.getElementById('root')!).render(<StrictMode><ConsoleApp /></StrictMode>);

// The company portal (/portal): people sign in, enroll their own devices, see whether they are
// compliant and what to fix, and lock, clear the passcode of, rename or retire them.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/styles.css';
import './portal.css';
import { PortalApp } from './app.js';

createRoot(document.getElementById('root')!).render(<StrictMode><PortalApp /></StrictMode>);

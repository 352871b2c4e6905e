import './ui/ui.css';
import { start } from './app.js';

const root = document.getElementById('app')!;
// The page's own 正在加载… until the app draws.
root.textContent = '';
start(root);

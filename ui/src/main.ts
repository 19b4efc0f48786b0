/**
 * Browser entry point: loads the stylesheet, picks the backend and mounts the app.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { selectBackend } from './lib/backend';
import './styles/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('Keeper UI: the #app element is missing from index.html');

export default mount(App, { target, props: { backend: selectBackend() } });

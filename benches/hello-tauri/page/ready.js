// Once the page is on screen, say so (the shell prints its ready line only
// when HANDOFF_REPORT_READY is set). The app does the same at its first inbox.
requestAnimationFrame(() => void window.__TAURI__.core.invoke("ready"));

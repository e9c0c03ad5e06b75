import { defineConfig } from "vitest/config";

// Django serves dist/index.html for every console route and dist/ files at the site root
// (WhiteNoise), so assets must live under /assets/ with base "/".
// JSX is compiled by Vite's built-in transform (tsconfig "jsx": "react-jsx"); the React
// plugin would only add hot reload, which is not worth another dependency here.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-router and react-query mark modules "use client" for server components;
        // in a client-only bundle the directive is meaningless, and the warning is noise.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev` against `manage.py runserver` on :8000 keeps cookies same-origin.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    // Two shared cores: one worker keeps the test run from starving the others' builds.
    pool: "threads",
    maxWorkers: 1,
  },
});

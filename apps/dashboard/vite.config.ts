import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves the build at /_offramp/dashboard/ on its admin listener: assets are
// addressed relative to that. Workspace libraries are read from their TypeScript sources.
export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: { conditions: ['@offramp/source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 400 },
});

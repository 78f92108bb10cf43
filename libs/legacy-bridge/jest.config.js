import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'legacy-bridge', rootDir: import.meta.dirname };

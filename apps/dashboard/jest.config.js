import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'dashboard', rootDir: import.meta.dirname };

import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'nx-plugin', rootDir: import.meta.dirname };

import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'workspace', rootDir: import.meta.dirname };

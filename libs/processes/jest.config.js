import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'processes', rootDir: import.meta.dirname };

import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'api', rootDir: import.meta.dirname };

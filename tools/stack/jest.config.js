import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'stack', rootDir: import.meta.dirname };

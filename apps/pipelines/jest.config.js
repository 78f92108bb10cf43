import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'pipelines', rootDir: import.meta.dirname };

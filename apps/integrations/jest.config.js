import preset from '../../jest.preset.js';

export default { ...preset, displayName: 'integrations', rootDir: import.meta.dirname };

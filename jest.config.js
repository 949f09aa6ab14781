import { createDefaultEsmPreset } from 'ts-jest';

const esm = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });

const shared = {
  ...esm,
  transform: {
    ...esm.transform,
    // cookie and content-disposition ship ESM that Node 20's Jest VM must require() (app.inject, Swagger UI):
    // transpile them to CommonJS.
    '/node_modules/(cookie|content-disposition)/.+\\.js$': [
      'ts-jest',
      {
        useESM: false,
        tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', isolatedModules: true },
      },
    ],
  },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition)/)'],
  testEnvironment: 'node',
};

/** Unit tests beside the code; e2e tests in test/, each file on its own database cloned from a template. */
export default {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60000,
  // A failed test that leaves a child process or a reconnecting client behind must not hang CI: report and exit.
  forceExit: true,
};

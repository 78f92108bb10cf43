import { ESLint } from 'eslint';
import { workspaceRoot } from '@offramp/testing';

const BOUNDARY_RULE = '@nx/enforce-module-boundaries';

/** Lints `code` as if it were the file at `filePath` and returns the boundary violations. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: workspaceRoot() });
  const [result] = await eslint.lintText(code, { filePath: `${workspaceRoot()}/${filePath}` });
  return result.messages.filter((message) => message.ruleId === BOUNDARY_RULE).map((message) => message.message);
}

describe('module boundaries (the workspace ESLint config and the real Nx project graph)', () => {
  it('fails lint when an app imports another app by its package name', async () => {
    const errors = await boundaryErrors('apps/api/src/probe.ts', "import '@offramp/gateway';\n");
    expect(errors).toHaveLength(1);
  });

  it('fails lint when an app reaches into another app by a relative path', async () => {
    const errors = await boundaryErrors('apps/api/src/probe.ts', "import '../../gateway/src/main.js';\n");
    expect(errors).toHaveLength(1);
  });

  it('fails lint when a library imports an app', async () => {
    expect(await boundaryErrors('libs/platform/src/probe.ts', "import '@offramp/api';\n")).toHaveLength(1);
  });

  it('fails lint when contracts import anything of ours', async () => {
    expect(await boundaryErrors('libs/contracts/src/probe.ts', "import '@offramp/platform';\n")).toHaveLength(1);
  });

  it('fails lint when production code imports the test harness', async () => {
    expect(await boundaryErrors('apps/api/src/probe.ts', "import '@offramp/testing';\n")).toHaveLength(1);
  });

  it('lets an app import the platform library', async () => {
    expect(await boundaryErrors('apps/api/src/probe.ts', "import { bootstrapService } from '@offramp/platform';\nvoid bootstrapService;\n")).toEqual([]);
  });
});

import { describeServiceFoundation } from '@offramp/testing';

// The api verifies the gateway's identity tokens: it does not start without their key.
describeServiceFoundation('api', { IDENTITY_TOKEN_SECRET: 'foundation-test-secret-0123456789abcdef' });

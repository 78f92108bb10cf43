import { describeServiceFoundation } from '@offramp/testing';

describeServiceFoundation('integrations');

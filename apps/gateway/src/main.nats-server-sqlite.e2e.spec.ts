import { describeServiceFoundation } from '@offramp/testing';

describeServiceFoundation('gateway');

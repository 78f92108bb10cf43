import { describeServiceFoundation } from '@offramp/testing';

describeServiceFoundation('api');

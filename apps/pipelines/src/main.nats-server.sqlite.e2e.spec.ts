import { describeServiceFoundation } from '@offramp/testing';

describeServiceFoundation('pipelines');

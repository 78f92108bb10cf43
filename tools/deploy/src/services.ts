/**
 * The Node services the deployment files run, one image and one Deployment each: the gateway and the slices behind it.
 * The slice generator (@offramp/tools:slice) adds a new slice here; the containers script and the manifest checks read it.
 */
export const SLICES = ['api', 'integrations', 'pipelines'] as const;
export const SERVICES = ['gateway', ...SLICES] as const;

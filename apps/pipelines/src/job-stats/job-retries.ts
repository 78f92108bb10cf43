/** Every retry made through the admin API, with who asked and why: pipelines' audit of queue:retry. */
export const JOB_RETRIES_TABLE = 'offramp_job_retries';

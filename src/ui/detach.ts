/**
 * While watching, Ctrl-C detaches instead of killing the process mid-call: the signal aborts the watch,
 * the deployment goes on in CodeDeploy, and the command says how to re-attach. A second Ctrl-C exits at once.
 */
export async function withDetach<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/**
 * One read of a page's data at a time, and no change lost: a request that comes while a read is
 * running (a live event, an action's answer) runs one more read after it, because the running
 * read may have been answered before the change the request announces. Any number of requests
 * during one read fold into that one more read; `force` is kept if any of them asked for it.
 */
export function serialRead(read) {
  let running = null;
  let next = null;

  function start(force) {
    running = (async () => {
      try {
        await read(force);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return function request(force = false) {
    if (!running) return start(force);
    if (next) {
      next.force = next.force || force;
      return next.done;
    }
    const queued = { force };
    const after = () => {
      next = null;
      return start(queued.force);
    };
    queued.done = running.then(after, after);
    next = queued;
    return queued.done;
  };
}

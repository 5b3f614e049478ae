/**
 * Asks the server about an amount while it is being typed: one request once typing pauses, and
 * only the answer to the latest request counts (a slow answer for "80" never overwrites "800").
 */
export function amountProbe({ ask, onAnswer, delayMs = 250 }) {
  let timer = null;
  let latest = 0;
  return {
    request(amountFen) {
      clearTimeout(timer);
      const mine = ++latest;
      timer = setTimeout(async () => {
        let answer;
        try {
          answer = await ask(amountFen);
        } catch (error) {
          answer = { error };
        }
        if (mine === latest) onAnswer(amountFen, answer);
      }, delayMs);
    },
    cancel() {
      clearTimeout(timer);
      latest++;
    },
  };
}

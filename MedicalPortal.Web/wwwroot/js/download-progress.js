// The portal's file downloads (DownloadButton: the research CSV, an extraction's file, the audit trail) show that they
// are working. The server prepares each file as it streams it, which can take a while before the first byte; left to
// the browser, the page would stand still. This fetches the file instead, says "Preparing the file…", then how much
// has arrived, then hands the file to the browser under the server's name and says it is done. A refusal or an ended
// session goes where the plain link would have gone; a problem the server explains is shown beside the button.
// Without fetch streams, or with a modifier key held, the link works as a plain link.
(() => {
  const size = bytes => bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

  const fileNameOf = response => {
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (encoded) {
      return decodeURIComponent(encoded[1]);
    }
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    return plain ? plain[1] : null;
  };

  const problemOf = async response => {
    try {
      const problem = await response.json();
      const fields = problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
      return [problem.detail ?? problem.title, fields].filter(Boolean).join(' ') || `The server answered ${response.status}.`;
    } catch {
      return `The file could not be prepared (the server answered ${response.status}). Please try again.`;
    }
  };

  document.addEventListener('click', async event => {
    const link = event.target instanceof Element ? event.target.closest('a[data-download-progress]') : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey
        || !window.fetch || !window.ReadableStream) {
      return;
    }

    event.preventDefault();
    const box = link.closest('.download-button');
    if (!box || box.classList.contains('is-busy')) {
      return;
    }

    const status = box.querySelector('[data-download-status]');
    const say = text => { status.textContent = text; };
    box.classList.add('is-busy');
    link.setAttribute('aria-busy', 'true');
    say('Preparing the file…');
    try {
      const response = await fetch(link.href, { credentials: 'same-origin' });
      if (response.redirected || (response.ok && !(response.headers.get('Content-Type') ?? '').startsWith('text/csv'))) {
        // Sent to the sign-in or access-denied page: go there, as the link would have.
        window.location.assign(response.url);
        return;
      }
      if (!response.ok) {
        say(await problemOf(response));
        return;
      }

      const reader = response.body.getReader();
      const chunks = [];
      let bytes = 0;
      let told = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        chunks.push(value);
        bytes += value.length;
        if (Date.now() - told > 1000) {
          // At most once a second: the status is read out to screen reader users.
          say(`Downloading… ${size(bytes)} so far.`);
          told = Date.now();
        }
      }

      const name = fileNameOf(response) ?? 'download.csv';
      const url = URL.createObjectURL(new Blob(chunks, { type: response.headers.get('Content-Type') }));
      const save = document.createElement('a');
      save.href = url;
      save.download = name;
      save.hidden = true;
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      say(`Downloaded ${name} (${size(bytes)}).`);
    } catch {
      say('The download was interrupted. Please try again.');
    } finally {
      box.classList.remove('is-busy');
      link.removeAttribute('aria-busy');
    }
  }, true);
})();

// Live progress of the Sources page over server-sent events (/api/events). A plain file
// under public/ so the content security policy can stay at script-src 'self'. Without
// JavaScript the page still works: the forms post and the page reloads.
const progress = document.getElementById('progress');
const events = new EventSource('/api/events');

function cell(sourceId, field) {
  const row = document.querySelector(`tr[data-source="${CSS.escape(sourceId)}"]`);
  return row ? row.querySelector(`[data-field="${field}"]`) : null;
}
function set(sourceId, field, text) {
  const target = cell(sourceId, field);
  if (target) target.textContent = text;
}
function add(sourceId, field, n) {
  const target = cell(sourceId, field);
  if (target && n) target.textContent = String(Number(target.textContent) + n);
}
function say(text) {
  if (progress) progress.textContent = text;
}

events.onmessage = (message) => {
  const event = JSON.parse(message.data);
  if (event.type === 'poll-start') {
    set(event.sourceId, 'state', 'polling');
    say(`Polling ${event.sourceId}…`);
  } else if (event.type === 'batch') {
    add(event.sourceId, 'new', event.new);
    add(event.sourceId, 'updated', event.updated);
    add(event.sourceId, 'rejected', event.rejected);
    say(
      `${event.sourceId}: received ${event.received}, ${event.new} new, ${event.updated} updated, ${event.rejected} rejected`,
    );
  } else if (event.type === 'poll-done') {
    set(event.sourceId, 'state', 'ok');
    say(`${event.sourceId}: done (${event.objects} objects).`);
  } else if (event.type === 'poll-error') {
    set(event.sourceId, 'state', 'error');
    set(event.sourceId, 'error', event.error);
    say(`${event.sourceId}: ${event.error}`);
  }
};

// "Poll now" without leaving the page, so the progress of this very poll is seen.
for (const form of document.querySelectorAll('form[action="/sources/poll"]')) {
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const source = new FormData(form).get('source');
    say(`Polling ${source}…`);
    fetch(form.action, { method: 'POST', body: new FormData(form) }).then((response) => {
      if (!response.ok) say(`${source}: the server answered ${response.status}`);
    });
  });
}

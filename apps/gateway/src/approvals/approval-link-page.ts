import type { ApprovalLinkInfo } from '@agentry/contracts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page behind an approve/reject link: the request and one button; nothing happens until it is pressed. */
export function approvalLinkPage(info: ApprovalLinkInfo): string {
  const a = info.approval;
  const verb = info.decision === 'approve' ? 'Approve' : 'Reject';
  // A link made for a named approver records them; say so before they press the button.
  const actingAs = info.approver.startsWith('link:') ? '' : `<p>You are deciding as <b>${escape(info.approver)}</b>.</p>`;
  const action = info.usable
    ? `<label>Comment (optional)<br><textarea id="comment" rows="3" maxlength="2000"></textarea></label>
       <p><button id="go">${verb}</button></p>
       <script>
         document.getElementById('go').onclick = async () => {
           const res = await fetch(location.href, { method: 'POST', headers: { 'content-type': 'application/json' },
             body: JSON.stringify(document.getElementById('comment').value ? { comment: document.getElementById('comment').value } : {}) });
           const body = await res.json();
           document.getElementById('result').textContent = res.ok ? 'Done: the approval is ' + body.status + '.' : body.error.message;
           document.getElementById('go').disabled = true;
         };
       </script>`
    : `<p>This link can no longer be used: the approval is ${escape(a.status)}${a.status === 'pending' ? ' and this link has been used' : ''}.</p>`;
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>${verb} — Agentry</title></head><body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto">
<h1>${verb} this action?</h1>
<pre style="white-space: pre-wrap; background: #f4f4f4; padding: 1rem">${escape(a.message)}</pre>
<p>Run <code>${escape(a.execution_id)}</code>, step <code>${escape(a.step_id)}</code>. Status: <b>${escape(a.status)}</b>${
    a.expires_at ? `, expires ${escape(a.expires_at)}` : ''
  }.</p>
${actingAs}${action}<p id="result" role="status"></p></body></html>`;
}

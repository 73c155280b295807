import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthHandler } from '../../src/functions/health.js';
import { syncTodosHandler } from '../../src/functions/syncTodos.js';
import { syncTodosTimerHandler } from '../../src/functions/syncTodosTimer.js';
import { createProcessRuntime } from '../../src/runtime/processRuntime.js';
import { bodyText, newInvocation, syncRequest, timerInfo } from '../support/capture.js';

const SECRET = 'config-error-secret-value-42';

describe('function handlers with a bad configuration', () => {
  // A process runtime of its own over these settings: no process.env to set before an import.
  const processRuntime = createProcessRuntime({
    CLIENT_ID: 'Enter_the_Application_Id_Here',
    AUTHORITY: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    CLIENT_SECRET: SECRET,
    API_ENDPOINT: 'http://api.contoso.com/api/todolist',
    SCOPES: 'api://x',
    // The functions need storage: its absence is reported with the other problems, at once.
  });

  it('answer 500 naming every setting at fault, storage included, with no secret; the timer fails', async () => {
    const syncTodos = syncTodosHandler(() => processRuntime);
    const { context, lines } = newInvocation('syncTodos');
    const response = await syncTodos(syncRequest('POST'), context);
    assert.equal(response.status, 500);
    const body = bodyText(response);
    assert.match(body, /CLIENT_ID still holds a placeholder/);
    assert.match(body, /API_ENDPOINT uses http:\/\/ for a non-loopback host/);
    assert.match(body, /AzureWebJobsStorage is not set/);
    assert.ok(!body.includes(SECRET));
    assert.ok(!lines.join('\n').includes(SECRET));
    const timerRun = newInvocation('syncTodosTimer');
    await assert.rejects(
      syncTodosTimerHandler(() => processRuntime)(timerInfo(true), timerRun.context),
      /Invalid configuration/,
    );
    assert.ok(timerRun.lines.some((l) => l.includes('timer is past due')));
  });

  it('health answers the same 500, naming the settings', async () => {
    const response = await healthHandler(() => processRuntime)(
      syncRequest('GET'),
      newInvocation('health').context,
    );
    assert.equal(response.status, 500);
    assert.match(bodyText(response), /CLIENT_ID still holds a placeholder/);
    assert.ok(!bodyText(response).includes(SECRET));
  });
});

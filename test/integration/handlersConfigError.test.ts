import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyText, newInvocation, syncRequest, timerInfo } from '../support/capture.js';

const SECRET = 'config-error-secret-value-42';

describe('function handlers with a bad configuration', () => {
  it('answer 500 naming every setting at fault, storage included, with no secret; the timer fails', async () => {
    Object.assign(process.env, {
      CLIENT_ID: 'Enter_the_Application_Id_Here',
      AUTHORITY: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      CLIENT_SECRET: SECRET,
      API_ENDPOINT: 'http://api.contoso.com/api/todolist',
      SCOPES: 'api://x',
    });
    // The functions need storage: its absence is reported with the other problems, at once.
    delete process.env.AzureWebJobsStorage;
    const { syncTodos } = await import('../../src/functions/syncTodos.js');
    const { syncTodosTimer } = await import('../../src/functions/syncTodosTimer.js');
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
      syncTodosTimer(timerInfo(true), timerRun.context),
      /Invalid configuration/,
    );
    assert.ok(timerRun.lines.some((l) => l.includes('timer is past due')));
  });
});

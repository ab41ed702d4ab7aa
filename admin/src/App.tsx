import { useEffect, useState, type FormEvent } from 'react';
import { AUTH_FAILED, clearToken, getToken, gql, RequestError, setToken, useLiveState } from './api.js';
import { Link, navigate, usePath } from './router.js';
import { FeedPage } from './pages/Feed.js';
import { ItemPage, ItemsPage } from './pages/Item.js';
import { ModelPage } from './pages/Model.js';
import { UserPage } from './pages/User.js';
import { UsersPage } from './pages/Users.js';

function SignIn({ message }: { message: string | null }) {
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | null>(message);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setToken(token);
    try {
      // An admin-only query: succeeds only when the server accepts this token as admin.
      await gql('query SignInCheck { modelInfo { databaseProvider } }');
      window.dispatchEvent(new Event('tastegraph:signed-in'));
    } catch (err) {
      clearToken();
      setError(
        err instanceof RequestError && err.isAuth
          ? 'The server did not accept this token or key as admin.'
          : `Sign-in failed: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main">
      <h1>Tastegraph console</h1>
      <form onSubmit={submit} className="card">
        <label htmlFor="token">Admin token or API key</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
        <p className="hint">
          Paste an admin JWT or API key; it is sent as <code>Authorization: Bearer …</code> and kept in this tab only
          (sessionStorage). Leave it empty when the server runs without <code>API_KEY</code>.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function LiveBadge() {
  const state = useLiveState();
  const text = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'not connected';
  return (
    <span className={`live live-${state}`} role="status" aria-label={`Live updates: ${text}`}>
      <span aria-hidden="true">●</span> {text}
    </span>
  );
}

const NAV = [
  { to: '/', label: 'Live feed' },
  { to: '/users', label: 'Users' },
  { to: '/items', label: 'Items' },
  { to: '/model', label: 'Model' },
];

function Route({ path }: { path: string }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return <FeedPage />;
  if (parts[0] === 'users' && parts.length === 1) return <UsersPage />;
  if (parts[0] === 'users' && parts[1]) return <UserPage id={parts[1]} />;
  if (parts[0] === 'items' && parts.length === 1) return <ItemsPage />;
  if (parts[0] === 'items' && parts[1]) return <ItemPage id={parts[1]} />;
  if (parts[0] === 'model') return <ModelPage />;
  return (
    <p>
      Nothing here. <Link to="/">Back to the live feed</Link>
    </p>
  );
}

export function App() {
  const [signedIn, setSignedIn] = useState(getToken() !== null);
  const [message, setMessage] = useState<string | null>(null);
  const path = usePath();
  useEffect(() => {
    const onIn = () => {
      setMessage(null);
      setSignedIn(true);
    };
    const onFail = () => {
      clearToken();
      setMessage('The server refused the token (expired, revoked or not admin). Sign in again.');
      setSignedIn(false);
    };
    window.addEventListener('tastegraph:signed-in', onIn);
    window.addEventListener(AUTH_FAILED, onFail);
    return () => {
      window.removeEventListener('tastegraph:signed-in', onIn);
      window.removeEventListener(AUTH_FAILED, onFail);
    };
  }, []);
  if (!signedIn) return <SignIn message={message} />;
  const section = '/' + (path.split('/')[1] ?? '');
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Tastegraph console
        </Link>
        <nav aria-label="Sections">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={section === n.to ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <LiveBadge />
        <button
          type="button"
          className="secondary"
          onClick={() => {
            clearToken();
            setSignedIn(false);
            navigate('/');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Route path={path} />
      </main>
    </>
  );
}

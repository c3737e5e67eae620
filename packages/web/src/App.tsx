import { useEffect, type ReactNode } from 'react';
import { Provider } from 'react-redux';
import { BrowserRouter, MemoryRouter, Route, Routes } from 'react-router';
import type { ChatApi } from './api/chatApi.ts';
import { ApiContext, useApi } from './api/context.tsx';
import { useAppDispatch, useAppSelector, type AppStore } from './store/index.ts';
import { uiActions } from './store/ui.ts';
import { applyTheme } from './themes.ts';
import { Button } from './components/Buttons.tsx';
import { Header } from './components/Header.tsx';
import Home from './pages/Home.tsx';
import RoomPage from './pages/Room.tsx';
import Info from './pages/Info.tsx';
import NotFound from './pages/NotFound.tsx';

function TakenOver() {
  const api = useApi();
  const connection = useAppSelector((s) => s.ui.connection);
  if (connection !== 'taken_over') return null;
  return (
    <div className="banner" role="alert">
      <span>This chat is open in another tab.</span>
      <Button variant="primary" onClick={() => api.useHere()}>
        Use here
      </Button>
    </div>
  );
}

function Notices() {
  const dispatch = useAppDispatch();
  const notices = useAppSelector((s) => s.ui.notices);
  useEffect(() => {
    if (notices.length === 0) return;
    const first = notices[0]!;
    const t = setTimeout(() => dispatch(uiActions.noticeDismissed(first.id)), 8000);
    return () => clearTimeout(t);
  }, [notices, dispatch]);
  return (
    <div className="notices" role="alert" aria-live="assertive">
      {notices.map((n) => (
        <div key={n.id} className="notice">
          <span>{n.text}</span>
          <Button aria-label="Dismiss" onClick={() => dispatch(uiActions.noticeDismissed(n.id))}>
            ×
          </Button>
        </div>
      ))}
    </div>
  );
}

function Shell() {
  const theme = useAppSelector((s) => s.ui.theme);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header />
      <TakenOver />
      <Notices />
      <main id="main" className="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/room/:uuid" element={<RoomPage />} />
          <Route path="/info" element={<Info />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </div>
  );
}

export function App({
  store,
  api,
  initialPath,
}: {
  store: AppStore;
  api: ChatApi;
  /** Tests render at a path without a browser history. */
  initialPath?: string;
}) {
  const router = (children: ReactNode) =>
    initialPath === undefined ? (
      <BrowserRouter>{children}</BrowserRouter>
    ) : (
      <MemoryRouter initialEntries={[initialPath]}>{children}</MemoryRouter>
    );
  return (
    <Provider store={store}>
      <ApiContext.Provider value={api}>{router(<Shell />)}</ApiContext.Provider>
    </Provider>
  );
}

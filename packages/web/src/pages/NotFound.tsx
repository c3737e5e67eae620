import { Link } from 'react-router';
import { useTitle } from '../hooks.ts';

export default function NotFound() {
  useTitle('Page not found');
  return (
    <section className="page-text panel">
      <h1>404: page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Go to the rooms</Link>
      </p>
    </section>
  );
}

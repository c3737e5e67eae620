import { Link } from 'react-router';
import { APP_NAME, useTitle } from '../hooks.ts';

export default function Info() {
  useTitle('About');
  return (
    <section className="page-text panel">
      <h1>About {APP_NAME}</h1>
      <p>
        A realtime chat for people who want to talk right now, without signing up: open the page and
        you have a name; pick or create a room, talk, and draw together.
      </p>
      <ul>
        <li>
          Everyone is anonymous, and anyone can do anything: create, rename, recolor or delete
          rooms.
        </li>
        <li>Your name is generated; click it in the header to change it.</li>
        <li>The left tab shows every statement sent to and received from the server.</li>
        <li>
          Each room has a message history of any length, a list of its users and a shared drawing
          board.
        </li>
        <li>
          The slider in the header switches between 8 themes; only its number is kept, in a cookie.
        </li>
      </ul>
      <p>
        Keyboard: Tab moves between controls, Enter sends a message, Shift+Enter starts a new line.
        On the drawing board the arrow keys move the pen (with Shift in larger steps), and Space or
        Enter puts it down and lifts it.
      </p>
      <p>
        While the page is in the background, its title counts the new messages of others; the Sound
        switch in the header mutes the message sounds.
      </p>
      <p>
        <Link to="/">Back to the rooms</Link>
      </p>
    </section>
  );
}

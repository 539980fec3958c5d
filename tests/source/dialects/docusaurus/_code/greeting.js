export default function Greeting() {
  return <p>"Hello" -- from a file</p>;
}

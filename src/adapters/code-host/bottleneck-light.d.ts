// bottleneck ships types for its full build only; `light.js` (what @octokit/plugin-throttling uses) has the same API minus Redis.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}

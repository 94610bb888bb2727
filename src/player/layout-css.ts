/**
 * CSS injected into the player page to hide its chrome and, for some layouts, to make one area
 * fill the frame. Applied as a stylesheet so it survives the player's re-renders; the page is laid
 * out at the output size, so text and slides are rendered at full resolution, not scaled up.
 */

/** Page layouts the capture engine can render directly from the player. */
export type PageLayout = 'player' | 'content' | 'webcams';

// Everything a viewer of the player can click: video.js bar and buttons, the player's own buttons.
const CHROME = [
  '.vjs-control-bar',
  '.vjs-big-play-button',
  '.vjs-loading-spinner',
  '.vjs-text-track-display',
  '.vjs-modal-dialog',
  '.vjs-poster',
  '.fullscreen-button',
  '.top-bar button',
  '.application-control',
  '.top-bar .right',
  '.top-bar .left > :not(.title)',
];

const HIDE_CHROME = `${CHROME.join(',\n')} { display: none !important; }
#player { padding-bottom: 0 !important; }
* { cursor: none !important; caret-color: transparent !important; }
::-webkit-scrollbar { display: none !important; }`;

/** The stylesheet for a layout. */
export function layoutCss(layout: PageLayout): string {
  switch (layout) {
    case 'player':
      return HIDE_CHROME;
    case 'content':
      return `${HIDE_CHROME}
.top-bar, .bottom-bar, .application, .media, .swapped-media, .bottom-content { display: none !important; }
.player-wrapper { display: block !important; padding: 0 !important; }
.content { position: fixed !important; inset: 0 !important; width: 100vw !important; height: 100vh !important; }`;
    case 'webcams':
      return `${HIDE_CHROME}
.top-bar, .bottom-bar, .application, .content, .bottom-content { display: none !important; }
.player-wrapper { display: block !important; padding: 0 !important; }
.media, .swapped-media { position: fixed !important; inset: 0 !important; width: 100vw !important; height: 100vh !important; max-width: none !important; max-height: none !important; }
#webcams, #webcams .video-js, #webcams video { width: 100% !important; height: 100% !important; }`;
  }
}

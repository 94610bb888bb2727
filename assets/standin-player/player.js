// @ts-check
/*
 * bbb-capture's stand-in for BigBlueButton's recording player (bbb-playback 2.3+). Written from
 * the documented contract (docs/bbb-playback.md), not from the player's code: the same URL, the
 * same files fetched the same way, the same DOM landmarks and the same clock. The webcams video is
 * the master clock; while it plays, `bbbplaybacktimeupdate` is dispatched on document at `f` Hz and
 * once after every `seeked`, and every piece of content follows that event only.
 *
 * `<html data-clock="polled">` in index.html (or `?clock=polled`) makes it keep bbb-playback
 * 2.3.x's clock instead: no time event at all; on every `play` of the webcams video it starts a
 * poll that hands the video's currentTime to the content at `f` Hz, and `pause` calls
 * `clearInterval()` with no id (as 2.3.x does), so the poll goes on after a pause.
 */
(() => {
  const BASE = '/playback/presentation/2.3/';
  const RECORD_ID = /^[a-z0-9]{40}-[0-9]{13}$/;
  const TIME_EVENT = 'bbbplaybacktimeupdate';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const XLINK_NS = 'http://www.w3.org/1999/xlink';
  /** Shown after the data has loaded, as BBB's player does, so the loading screen is seen. */
  const LOADED_FEEDBACK_MS = 1000;
  const SEEK_SECONDS = 15;
  const RATES = [0.5, 1, 1.25, 1.5, 1.75, 2];
  /** tldraw v2 (BBB 3.0+) loads its fonts from here; offline this fails, as in the real player. */
  const TLDRAW_FONT = 'https://unpkg.com/@bigbluebutton/assets@2.0.0-alpha.20/fonts/Shantell_Sans-Normal-SemiBold.woff2';

  const params = new URLSearchParams(location.search);
  /** 'polled': bbb-playback 2.3.x's clock (see above); otherwise the time event. */
  const CLOCK_MODE = params.get('clock') ?? document.documentElement.dataset.clock ?? 'event';
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));

  // ---------------------------------------------------------------- small helpers

  /**
   * @param {string} tag
   * @param {Record<string, string>} [attrs]
   * @param {Array<Node | string | null>} [children]
   * @returns {HTMLElement}
   */
  function h(tag, attrs = {}, children = []) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    for (const c of children) if (c !== null) el.append(c);
    return el;
  }

  /**
   * @param {string} tag
   * @param {Record<string, string | number>} [attrs]
   * @returns {SVGElement}
   */
  function s(tag, attrs = {}) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  }

  /** `1h2m3s`, `2m3s`, `45s` → seconds; anything else → null. @param {string | null} text */
  function parseTime(text) {
    const m = text ? /^(?:(?:(\d+)h)?(\d+)m)?(\d+)s$/.exec(text) : null;
    if (!m || (m[1] !== undefined && m[2] === undefined)) return null;
    const [hours, minutes, seconds] = [m[1], m[2], m[3]].map((v) => Number(v ?? 0));
    if (/** @type {number} */ (minutes) > 59 || /** @type {number} */ (seconds) > 59) return null;
    return /** @type {number} */ (hours) * 3600 + /** @type {number} */ (minutes) * 60 + /** @type {number} */ (seconds);
  }

  /** @param {number} seconds */
  function clock(seconds) {
    const t = Math.max(0, Math.floor(seconds));
    const hh = String(Math.floor(t / 3600)).padStart(2, '0');
    const mm = String(Math.floor((t % 3600) / 60)).padStart(2, '0');
    const ss = String(t % 60).padStart(2, '0');
    return `${hh}:${mm}:${ss}`;
  }

  /** Numbers in an attribute such as "0 0 1600 900" or "12.5 40.1". @param {string | null | undefined} text */
  function numbers(text) {
    return (text ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  }

  /** The trailing number of an id such as "image3" or "canvas3". @param {string | null} id */
  function trailingNumber(id) {
    const m = /(\d+)$/.exec(id ?? '');
    return m ? Number(m[1]) : -1;
  }

  /**
   * Index of the last item whose `time` is at or before `t` (items sorted by time), or -1.
   * @param {Array<{time: number}>} items
   * @param {number} t
   */
  function currentIndex(items, t) {
    let lo = 0;
    let hi = items.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (/** @type {{time: number}} */ (items[mid]).time <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Shown from `start` until `end` (-1: never removed). @param {number} t @param {number} start @param {number} end */
  function activeAt(t, start, end) {
    return start <= t && (end === -1 || end > t);
  }

  // ---------------------------------------------------------------- where files are

  const mediaPath = params.get('p');
  /** @param {string} id @param {string} file */
  function fileUrl(id, file) {
    return `/presentation/${mediaPath ? `${mediaPath}/` : ''}${id}/${file}`;
  }

  // ---------------------------------------------------------------- screens

  /** @param {number} code */
  function showError(code) {
    root.replaceChildren(h('div', { id: 'error', class: 'error-wrapper', 'aria-label': 'Error' }, [h('div', { class: 'error-code' }, [String(code)])]));
  }

  class PlayerError extends Error {
    /** @param {number} code @param {string} message */
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  // ---------------------------------------------------------------- loading the recording

  /** @typedef {'presentation' | 'chat' | 'polls' | 'videos' | 'notes' | 'screenshare' | 'captions'} ContentKind */
  const CONTENT_KINDS = /** @type {ContentKind[]} */ (['presentation', 'chat', 'polls', 'videos', 'notes', 'screenshare', 'captions']);

  /**
   * The data files, all fetched at once. Required ones make a 404 fatal; a 200 that does not parse
   * is fatal for every file (a server's HTML fallback page is not a missing file).
   * @type {Array<{file: string, type: 'xml' | 'json' | 'html', required: boolean, kind?: ContentKind}>}
   */
  const FILES = [
    { file: 'metadata.xml', type: 'xml', required: true },
    { file: 'shapes.svg', type: 'xml', required: true, kind: 'presentation' },
    { file: 'panzooms.xml', type: 'xml', required: true },
    { file: 'cursor.xml', type: 'xml', required: true },
    { file: 'slides_new.xml', type: 'xml', required: true, kind: 'chat' },
    { file: 'deskshare.xml', type: 'xml', required: false, kind: 'screenshare' },
    { file: 'captions.json', type: 'json', required: false, kind: 'captions' },
    { file: 'polls.json', type: 'json', required: false, kind: 'polls' },
    { file: 'external_videos.json', type: 'json', required: false, kind: 'videos' },
    { file: 'presentation_text.json', type: 'json', required: false },
    { file: 'notes.html', type: 'html', required: false, kind: 'notes' },
    { file: 'tldraw.json', type: 'json', required: false },
  ];

  /**
   * @param {string} url
   * @param {'xml' | 'json' | 'html'} type
   * @param {boolean} required
   * @returns {Promise<any>} the parsed body, or null for a missing optional file
   */
  async function fetchFile(url, type, required) {
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new PlayerError(404, `${url}: ${error}`);
    }
    if (!response.ok) {
      if (required) throw new PlayerError(404, `${url}: HTTP ${response.status}`);
      return null;
    }
    if (type === 'json') {
      try {
        return await response.json();
      } catch {
        throw new PlayerError(404, `${url}: not JSON`);
      }
    }
    const text = await response.text();
    if (type === 'html') return text;
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length > 0) throw new PlayerError(400, `${url}: not XML`);
    return doc;
  }

  /** @param {string} url */
  async function exists(url) {
    try {
      return (await fetch(url, { method: 'HEAD' })).ok;
    } catch {
      return false;
    }
  }

  /**
   * Which media the recording has: the webcams video types found (mp4 preferred, as the player's
   * source order does), else the audio-only fallback.
   * @param {string} recordId
   * @returns {Promise<{types: string[], audioOnly: boolean}>}
   */
  async function probeMedia(recordId) {
    const [mp4, webm] = await Promise.all(['mp4', 'webm'].map((type) => exists(fileUrl(recordId, `video/webcams.${type}`))));
    const types = [...(mp4 ? ['mp4'] : []), ...(webm ? ['webm'] : [])];
    if (types.length > 0) return { types, audioOnly: false };
    if (await exists(fileUrl(recordId, 'audio/audio.webm'))) return { types: ['webm'], audioOnly: true };
    throw new PlayerError(404, 'no video/webcams.{mp4,webm} and no audio/audio.webm');
  }

  // ---------------------------------------------------------------- parsing

  /** @param {Document} doc */
  function parseMetadata(doc) {
    const meeting = doc.querySelector('recording > meeting');
    const text = (/** @type {string} */ sel) => doc.querySelector(sel)?.textContent?.trim() ?? '';
    return {
      id: meeting?.getAttribute('id') ?? '',
      name: text('recording > meta > meetingName') || meeting?.getAttribute('name') || '',
      start: Number(text('recording > start_time')),
    };
  }

  /**
   * @typedef {{time: number, id: number, src: string, width: number, height: number}} Slide
   * @typedef {{time: number, undo: number, id: string, node: Element, style: string}} CanvasShape
   */

  /** Slides (one entry per time shown) and whiteboard canvases from shapes.svg. @param {Document} doc */
  function parseShapes(doc) {
    /** @type {Slide[]} */
    const slides = [];
    for (const image of Array.from(doc.getElementsByTagNameNS(SVG_NS, 'image'))) {
      const src = image.getAttributeNS(XLINK_NS, 'href') ?? image.getAttribute('href');
      if (!src) continue;
      for (const time of numbers(image.getAttribute('in'))) {
        slides.push({ time, id: trailingNumber(image.getAttribute('id')), src, width: Number(image.getAttribute('width')), height: Number(image.getAttribute('height')) });
      }
    }
    slides.sort((a, b) => a.time - b.time);
    /** @type {Map<number, CanvasShape[]>} */
    const canvases = new Map();
    for (const canvas of Array.from(doc.querySelectorAll('g.canvas'))) {
      /** @type {CanvasShape[]} */
      const shapes = [];
      for (const g of Array.from(canvas.children)) {
        if (!g.classList.contains('shape')) continue;
        // BBB hides every shape with visibility:hidden and leaves showing them to the player.
        const style = (g.getAttribute('style') ?? '')
          .split(';')
          .filter((d) => d.trim() && !/^\s*visibility\s*:/.test(d))
          .join(';');
        shapes.push({ time: Number(g.getAttribute('timestamp')), undo: Number(g.getAttribute('undo') ?? -1), id: g.getAttribute('shape') ?? '', node: g, style });
      }
      canvases.set(trailingNumber(canvas.getAttribute('id')), shapes);
    }
    return { slides, canvases };
  }

  /**
   * `<recording [tldraw="true"]><event timestamp="s">…</event>` lists, sorted by time.
   * @template T
   * @param {Document} doc
   * @param {(event: Element) => T} read
   * @returns {{tldraw: boolean, events: Array<T & {time: number}>}}
   */
  function parseEvents(doc, read) {
    const recording = doc.documentElement;
    const events = Array.from(recording.getElementsByTagName('event')).map((e) => ({ ...read(e), time: Number(e.getAttribute('timestamp')) }));
    events.sort((a, b) => a.time - b.time);
    return { tldraw: recording.getAttribute('tldraw') === 'true', events };
  }

  /** BBB escapes chat text twice and wraps links in markup; undo both. @param {string} message */
  function chatText(message) {
    const unlinked = message.replace(/<a href="(.*)" rel="nofollow"><u>\1<\/u><\/a>/g, '$1');
    return unlinked
      .replace(/&(quot|#34);/g, '"')
      .replace(/&(apos|#39);/g, "'")
      .replace(/&(lt|#60);/g, '<')
      .replace(/&(gt|#62);/g, '>')
      .replace(/&(amp|#38);/g, '&');
  }

  /**
   * Chat, poll and external-video messages on one timeline.
   * @param {Document} chatDoc @param {any[] | null} polls @param {any[] | null} videos
   * @returns {Array<{time: number, name: string, text: string, moderator: boolean}>}
   */
  function parseMessages(chatDoc, polls, videos) {
    const chat = Array.from(chatDoc.getElementsByTagName('chattimeline')).map((c) => ({
      time: Number(c.getAttribute('in')),
      name: c.getAttribute('name') ?? '',
      text: chatText(c.getAttribute('message') ?? ''),
      moderator: c.getAttribute('senderRole') === 'MODERATOR',
    }));
    const pollMessages = (Array.isArray(polls) ? polls : []).map((p) => ({
      time: Number(p.start ?? p.timestamp ?? 0),
      name: 'Poll',
      text: [String(p.question ?? ''), ...(Array.isArray(p.answers) ? p.answers : []).map((/** @type {any} */ a) => `${a.key}: ${a.numVotes}`)].join('\n'),
      moderator: true,
    }));
    const videoMessages = (Array.isArray(videos) ? videos : []).map((v) => ({
      time: Number(v.timestamp),
      name: 'Video',
      text: String(v.external_video_url ?? ''),
      moderator: true,
    }));
    return [...chat, ...pollMessages, ...videoMessages].sort((a, b) => a.time - b.time);
  }

  /** tldraw.json: per slide number, shapes with their time and undo time. @param {any} json */
  function parseTldraw(json) {
    if (!json || typeof json !== 'object') return null;
    const version = typeof json.bbb_version === 'string' ? json.bbb_version : '';
    /** @type {Map<number, Array<{time: number, undo: number, shape: any}>>} */
    const pages = new Map();
    for (const [key, value] of Object.entries(json)) {
      if (key === 'bbb_version' || !value || !Array.isArray(value.shapes)) continue;
      pages.set(
        Number(key),
        value.shapes.map((/** @type {any} */ sh) => ({ time: Number(sh.timestamp), undo: Number(sh.undo ?? -1), shape: sh.shape_data ?? {} })),
      );
    }
    const major = Number(/^(\d+)/.exec(version)?.[1] ?? 0);
    return { v2: major >= 3, pages };
  }

  /** @param {string} recordId */
  async function loadRecording(recordId, /** @type {(kind: ContentKind) => void} */ onLoaded) {
    /** @type {Record<string, any>} */
    const data = {};
    const files = FILES.map(async ({ file, type, required, kind }) => {
      data[file] = await fetchFile(fileUrl(recordId, file), type, required);
      if (kind) onLoaded(kind);
    });
    const [media] = await Promise.all([probeMedia(recordId), ...files]);
    const metadata = parseMetadata(data['metadata.xml']);
    const shapes = parseShapes(data['shapes.svg']);
    const panzooms = parseEvents(data['panzooms.xml'], (e) => ({ viewBox: numbers(e.getElementsByTagName('viewBox')[0]?.textContent) }));
    const cursor = parseEvents(data['cursor.xml'], (e) => ({ xy: numbers(e.getElementsByTagName('cursor')[0]?.textContent) }));
    const deskshare = data['deskshare.xml']
      ? Array.from(/** @type {Document} */ (data['deskshare.xml']).getElementsByTagName('event')).map((e) => ({
          start: Number(e.getAttribute('start_timestamp')),
          stop: Number(e.getAttribute('stop_timestamp')),
        }))
      : [];
    return {
      recordId,
      // Media, slides and thumbnails are addressed by the meeting id, data files by the URL's id.
      mediaId: metadata.id || recordId,
      metadata,
      media,
      slides: shapes.slides,
      canvases: shapes.canvases,
      panzooms,
      cursor,
      deskshare,
      messages: parseMessages(data['slides_new.xml'], data['polls.json'], data['external_videos.json']),
      captions: Array.isArray(data['captions.json']) ? /** @type {Array<{locale: string, localeName: string}>} */ (data['captions.json']) : [],
      notes: /** @type {string | null} */ (data['notes.html']),
      tldraw: parseTldraw(data['tldraw.json']),
    };
  }

  /** @typedef {Awaited<ReturnType<typeof loadRecording>>} Recording */

  // ---------------------------------------------------------------- the player

  /** @param {Recording} rec */
  function buildPlayer(rec) {
    const layoutParam = params.get('l');
    const control = layoutParam !== 'disabled';
    let section = layoutParam !== 'content' && layoutParam !== 'media';
    let swap = layoutParam === 'media' || layoutParam === 'swapped';
    let fullscreen = false;
    const hasPresentation = rec.slides.some((sl) => sl.src.includes('slide'));
    const hasScreenshare = rec.deskshare.length > 0;
    const single = !hasPresentation && !hasScreenshare;
    const tldrawMode = Boolean(rec.tldraw && rec.tldraw.pages.size > 0) || rec.panzooms.tldraw || rec.cursor.tldraw;
    /** @type {Array<(time: number) => void>} */
    const followers = [];

    // Title: meeting name and date, as the player's top bar shows them.
    const date =
      Number.isFinite(rec.metadata.start) && rec.metadata.start > 0 ? ` - ${new Intl.DateTimeFormat(params.get('locale') ?? undefined).format(new Date(rec.metadata.start))}` : '';
    /** @param {string} label @param {string} text @param {() => void} onClick */
    const button = (label, text, onClick) => {
      const b = h('button', { class: 'button', 'aria-label': label, type: 'button' }, [text]);
      b.addEventListener('click', onClick);
      return b;
    };
    const topBar = h('div', { class: 'top-bar' }, [
      h('div', { class: 'left' }, [control ? button('Section', '☰', () => toggle('section')) : null]),
      h('div', { class: 'center' }, [h('span', { class: 'title' }, [`${rec.metadata.name}${date}`])]),
      h(
        'div',
        { class: 'right' },
        control ? [button('Theme', '◐', () => document.body.classList.toggle('dark')), button('Search', '⌕', () => {}), button('Swap', '⇄', () => toggle('swap'))] : [],
      ),
    ]);

    // Webcams: the master clock.
    const video = /** @type {HTMLVideoElement} */ (h('video', { class: 'vjs-tech', playsinline: '', preload: 'auto', tabindex: '-1' }));
    const sources = rec.media.audioOnly
      ? [{ src: fileUrl(rec.mediaId, 'audio/audio.webm'), type: 'audio/webm' }]
      : rec.media.types.map((type) => ({ src: fileUrl(rec.mediaId, `video/webcams.${type}`), type: `video/${type}` }));
    video.src = (sources.find((src) => video.canPlayType(src.type) !== '') ?? sources[0])?.src ?? '';
    for (const caption of rec.captions) {
      video.append(h('track', { kind: 'captions', src: fileUrl(rec.mediaId, `caption_${caption.locale}.vtt`), srclang: caption.locale, label: caption.localeName }));
    }
    const bigPlay = h('button', { class: 'vjs-big-play-button', type: 'button', 'aria-label': 'Play Video' }, ['▶']);
    const playButton = h('button', { class: 'vjs-play-control', type: 'button', 'aria-label': 'Play' }, ['▶']);
    const currentTime = h('span', { class: 'vjs-current-time' }, ['0:00:00']);
    const duration = h('span', { class: 'vjs-duration' }, ['0:00:00']);
    const progress = h('div', { class: 'vjs-play-progress' });
    const progressHolder = h('div', { class: 'vjs-progress-holder', role: 'slider', 'aria-label': 'Progress Bar' }, [progress]);
    const rateButton = h('button', { class: 'vjs-playback-rate', type: 'button', 'aria-label': 'Playback Rate' }, ['1x']);
    const controlBar = h('div', { class: 'vjs-control-bar', dir: 'ltr' }, [
      playButton,
      button('Seek back', '↺', () => (video.currentTime = Math.max(0, video.currentTime - SEEK_SECONDS))),
      button('Seek forward', '↻', () => (video.currentTime = Math.min(video.duration || 0, video.currentTime + SEEK_SECONDS))),
      currentTime,
      h('span', {}, ['/']),
      duration,
      progressHolder,
      rateButton,
    ]);
    const webcamsPlayer = h('div', { class: 'video-js vjs-fill vjs-paused', 'data-vjs-player': '' }, [
      video,
      bigPlay,
      h('div', { class: 'vjs-loading-spinner', dir: 'ltr' }),
      controlBar,
    ]);
    const togglePlay = () => (video.paused ? void video.play().catch(() => {}) : video.pause());
    bigPlay.addEventListener('click', togglePlay);
    playButton.addEventListener('click', togglePlay);
    video.addEventListener('click', togglePlay);
    rateButton.addEventListener('click', () => {
      video.playbackRate = RATES[(RATES.indexOf(video.playbackRate) + 1) % RATES.length] ?? 1;
      rateButton.textContent = `${video.playbackRate}x`;
    });
    progressHolder.addEventListener('click', (event) => {
      const box = progressHolder.getBoundingClientRect();
      if (video.duration > 0) video.currentTime = ((event.clientX - box.left) / box.width) * video.duration;
    });

    const fullscreenButton = (/** @type {'media' | 'content'} */ area) => {
      // Only the area showing content gets one, and none when controls are disabled.
      if (!control || (area === 'content') === (swap || single)) return null;
      const icon = s('svg', { viewBox: '0 0 16 16', width: 16, height: 16, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6 });
      icon.append(s('path', { d: 'M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4M1 1l5 5M15 1l-5 5M15 15l-5-5M1 15l5-5' }));
      const b = h('button', { class: 'button solid', type: 'button', 'aria-label': 'Fullscreen' }, [icon]);
      b.addEventListener('click', () => toggle('fullscreen'));
      return h('div', { class: 'fullscreen-button' }, [b]);
    };
    const media = h('div', { class: 'media' }, [h('div', { id: 'webcams', class: 'webcams-wrapper', 'aria-label': 'Webcams' }, [webcamsPlayer])]);

    // Chat (and notes) beside the webcams.
    const messageNodes = rec.messages.map((m) => {
      const parts = [h('div', { class: 'name' }, [m.name]), h('div', { class: 'time' }, [clock(m.time)]), h('div', { class: 'text' }, [m.text])];
      const avatar = h('div', { class: `interactive${m.moderator ? '' : ' circle'}` }, [
        h('div', { class: 'avatar', style: `background:hsl(${[...m.name].reduce((a, c) => a + c.charCodeAt(0), 0) % 360} 45% 45%)` }, [m.name.slice(0, 2).toLowerCase()]),
      ]);
      avatar.addEventListener('click', () => (video.currentTime = m.time));
      const node = h('div', { class: 'message' }, [avatar, h('div', { class: 'data' }, [h('div', { class: 'info' }, [parts[0] ?? null, parts[1] ?? null]), parts[2] ?? null])]);
      return { node, parts: [avatar, ...parts] };
    });
    const messageList = h(
      'div',
      { class: 'message-wrapper' },
      messageNodes.map((m) => h('span', {}, [m.node])),
    );
    const chat = h('div', { id: 'chat', class: 'chat-wrapper', 'aria-label': 'Chat', 'aria-live': 'polite', tabindex: '0' }, [h('div', { class: 'list' }, [messageList])]);
    const notes = h('div', { id: 'notes', class: 'notes-wrapper', tabindex: '0' });
    notes.innerHTML = /<body>\n.*\n<\/body>/.exec(rec.notes ?? '')?.[0] ?? '';
    const appContent = h('div', { class: 'application-content', style: 'display:flex;height:100%;min-height:0' }, [chat]);
    const tabs = ['chat', 'notes'].map((name) => {
      const tab = h('div', { class: `application-icon${name === 'chat' ? '' : ' inactive'}`, 'data-application': name }, [name === 'chat' ? 'Chat' : 'Notes']);
      tab.addEventListener('click', () => {
        appContent.replaceChildren(name === 'chat' ? chat : notes);
        for (const t of tabs) t.classList.toggle('inactive', t !== tab);
      });
      return tab;
    });
    const application = h('div', { class: 'application' }, [control ? h('div', { class: 'application-control' }, tabs) : null, appContent]);
    let lastMessage = -2;
    followers.push((t) => {
      const index = currentIndex(rec.messages, t);
      if (index === lastMessage) return;
      lastMessage = index;
      messageNodes.forEach((m, i) => {
        for (const p of m.parts) p.classList.toggle('inactive', i > index);
      });
      // Keep the newest shown message at the bottom of the list.
      const current = messageNodes[index]?.node.parentElement;
      if (current) messageList.scrollTop = current.offsetTop + current.offsetHeight - messageList.clientHeight;
    });
    followers.at(-1)?.(-1);

    // Content: presentation or whiteboard, screen share, thumbnails.
    let content = null;
    if (!single) {
      const presentation = buildPresentation(rec, tldrawMode, followers);
      const topContent = h('div', { class: 'top-content' }, [presentation]);
      if (hasScreenshare) topContent.append(buildScreenshare(rec, video, followers));
      content = h('div', { class: 'content' }, [topContent, h('div', { class: 'bottom-content' }, [buildThumbnails(rec, video, followers)])]);
    }

    const player = h('div', { id: 'player', class: 'player-wrapper', 'aria-label': 'Player' }, [topBar, media, application, content, h('div', { class: 'bottom-bar' })]);
    const applyLayout = () => {
      player.classList.toggle('hidden-section', !section);
      player.classList.toggle('single-content', single);
      player.classList.toggle('fullscreen-content', fullscreen);
      media.classList.toggle('swapped-media', swap || single);
      content?.classList.toggle('swapped-content', swap);
      for (const [area, el] of /** @type {const} */ ([
        ['media', media],
        ['content', content],
      ])) {
        el?.querySelector(':scope > .fullscreen-button')?.remove();
        const fsButton = fullscreenButton(area);
        if (fsButton) el?.prepend(fsButton);
      }
    };
    /** @param {'section' | 'swap' | 'fullscreen'} what */
    function toggle(what) {
      if (what === 'section') section = !section;
      if (what === 'swap') swap = !swap;
      if (what === 'fullscreen') fullscreen = !fullscreen;
      applyLayout();
    }
    applyLayout();

    document.addEventListener('keydown', (event) => {
      if (!event.altKey || !event.shiftKey) return;
      const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
      if (key === 'K') toggle('fullscreen');
      else if (key === 'L') toggle('section');
      else if (key === 'M') toggle('swap');
      else if (key === 'Enter') togglePlay();
      else if (key === 'ArrowLeft') video.currentTime = Math.max(0, video.currentTime - SEEK_SECONDS);
      else if (key === 'ArrowRight') video.currentTime = Math.min(video.duration || 0, video.currentTime + SEEK_SECONDS);
    });

    /** @param {number} time */
    const follow = (time) => {
      if (!Number.isFinite(time)) return;
      for (const f of followers) f(time);
    };
    // Everything follows the time event (or, polled, the poll); the media element's own timeupdate is not used.
    if (CLOCK_MODE !== 'polled') document.addEventListener(TIME_EVENT, (event) => follow(Number(/** @type {CustomEvent} */ (event).detail?.time)));
    startClock(video, webcamsPlayer, { playButton, currentTime, duration, progress }, follow);
    root.replaceChildren(player);
  }

  /**
   * The master clock: dispatches the time event while playing and after every seek, applies `t=`.
   * @param {HTMLVideoElement} video
   * @param {HTMLElement} playerEl
   * @param {{playButton: HTMLElement, currentTime: HTMLElement, duration: HTMLElement, progress: HTMLElement}} ui
   * @param {(time: number) => void} follow what the polled clock hands the time to
   */
  function startClock(video, playerEl, ui, follow) {
    const hz = Number.parseFloat(params.get('f') ?? '') || 10;
    const polled = CLOCK_MODE === 'polled';
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let timer;
    const dispatch = () => {
      if (!polled) document.dispatchEvent(new CustomEvent(TIME_EVENT, { detail: { time: video.currentTime } }));
    };
    const showTime = () => {
      ui.currentTime.textContent = clock(video.currentTime);
      ui.progress.style.width = video.duration > 0 ? `${(100 * video.currentTime) / video.duration}%` : '0';
    };
    const state = (/** @type {string} */ name, /** @type {boolean} */ on) => playerEl.classList.toggle(name, on);
    video.addEventListener('play', () => {
      state('vjs-has-started', true);
      state('vjs-playing', true);
      state('vjs-paused', false);
      state('vjs-ended', false);
      ui.playButton.textContent = '❚❚';
      if (polled) {
        // bbb-playback 2.3.x: a new poll on every play, never cleared.
        setInterval(() => follow(video.currentTime), 1000 / hz);
      } else {
        clearInterval(timer);
        timer = setInterval(dispatch, 1000 / hz);
      }
    });
    video.addEventListener('pause', () => {
      // bbb-playback 2.3.x calls clearInterval() with no id, which stops nothing.
      if (polled) clearInterval();
      else clearInterval(timer);
      state('vjs-playing', false);
      state('vjs-paused', true);
      ui.playButton.textContent = '▶';
    });
    video.addEventListener('seeking', () => state('vjs-ended', false));
    video.addEventListener('seeked', dispatch);
    video.addEventListener('ended', () => state('vjs-ended', true));
    video.addEventListener('waiting', () => state('vjs-waiting', true));
    for (const name of ['playing', 'canplay', 'seeked']) video.addEventListener(name, () => state('vjs-waiting', false));
    video.addEventListener('timeupdate', showTime);
    video.addEventListener('durationchange', () => {
      ui.duration.textContent = clock(video.duration || 0);
      showTime();
    });
    const start = parseTime(params.get('t'));
    if (start) {
      video.addEventListener(
        'loadedmetadata',
        () => {
          if (start < video.duration) video.currentTime = start;
        },
        { once: true },
      );
    }
  }

  /**
   * The screen-share video: a second player kept in step with the webcams video, shown while a
   * deskshare.xml event is active.
   * @param {Recording} rec @param {HTMLVideoElement} primary @param {Array<(time: number) => void>} followers
   */
  function buildScreenshare(rec, primary, followers) {
    const video = /** @type {HTMLVideoElement} */ (h('video', { class: 'vjs-tech', playsinline: '', preload: 'auto', tabindex: '-1' }));
    const types = rec.media.types.map((type) => ({ src: fileUrl(rec.mediaId, `deskshare/deskshare.${type}`), type: `video/${type}` }));
    video.src = (types.find((t) => video.canPlayType(t.type) !== '') ?? types[0])?.src ?? '';
    const wrapper = h('div', { id: 'screenshare', class: 'screenshare-wrapper inactive', 'aria-label': 'Screenshare' }, [
      h('div', { class: 'video-js vjs-fill', 'data-vjs-player': '' }, [video]),
    ]);
    // Keep in step: follow play, pause, seeks and rate; hold the primary while either buffers.
    let holding = false;
    primary.addEventListener('play', () => void video.play().catch(() => {}));
    primary.addEventListener('pause', () => {
      if (!holding) video.pause();
    });
    primary.addEventListener('seeking', () => (video.currentTime = primary.currentTime));
    primary.addEventListener('ratechange', () => (video.playbackRate = primary.playbackRate));
    for (const el of [primary, video]) {
      el.addEventListener('waiting', () => {
        if (!holding && !primary.paused) {
          holding = true;
          primary.pause();
        }
      });
      el.addEventListener('canplay', () => {
        if (holding && primary.readyState >= 3 && video.readyState >= 3) {
          holding = false;
          void primary.play().catch(() => {});
        }
      });
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') video.currentTime = primary.currentTime;
    });
    followers.push((t) => {
      const sharing = rec.deskshare.some((d) => activeAt(t, d.start, d.stop));
      wrapper.classList.toggle('inactive', !sharing);
      wrapper.parentElement?.querySelector('#presentation')?.classList.toggle('inactive', sharing);
    });
    return wrapper;
  }

  /** @param {Recording} rec @param {HTMLVideoElement} video @param {Array<(time: number) => void>} followers */
  function buildThumbnails(rec, video, followers) {
    const items = rec.slides.map((slide, index) => {
      const screenshare = slide.src.includes('deskshare');
      const monitor = s('svg', { viewBox: '0 0 24 24', width: 40, height: 40, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 });
      monitor.append(s('rect', { x: 3, y: 4, width: 18, height: 12, rx: 1 }), s('path', { d: 'M8 20h8M12 16v4' }));
      const picture = screenshare
        ? h('div', { class: 'screenshare' }, [monitor])
        : h('img', { class: 'thumbnail-image', alt: '', src: fileUrl(rec.mediaId, slide.src.replace('slide-', 'thumbnails/thumb-')) });
      const item = h('div', { class: 'thumbnail-wrapper interactive', tabindex: '0' }, [
        h('div', { class: 'thumbnail' }, [picture, h('div', { class: 'thumbnail-index' }, [String(index + 1)])]),
      ]);
      item.addEventListener('click', () => (video.currentTime = slide.time));
      return item;
    });
    const wrapper = h('div', { id: 'thumbnails', class: 'thumbnails-wrapper', 'aria-label': 'Thumbnails', tabindex: '0' }, items);
    followers.push((t) => {
      const index = currentIndex(rec.slides, t);
      items.forEach((item, i) => {
        item.classList.toggle('active', i === index);
      });
    });
    return wrapper;
  }

  // ---------------------------------------------------------------- presentation

  /** @param {Recording} rec @param {boolean} tldrawMode @param {Array<(time: number) => void>} followers */
  function buildPresentation(rec, tldrawMode, followers) {
    const wrapper = h('div', { id: 'presentation', class: 'presentation-wrapper', 'aria-label': 'Presentation' });
    const inner = h('div', { class: 'presentation logo' });
    wrapper.append(inner);
    const svg = s('svg', { viewBox: '0 0 0 0', xmlns: SVG_NS });
    const clipId = 'viewBox';
    const clipRect = s('rect', { x: 0, y: 0, width: 0, height: 0 });
    const clip = s('clipPath', { id: clipId });
    clip.append(clipRect);
    const defs = s('defs');
    defs.append(clip);
    const group = s('g', { 'clip-path': `url(#${clipId})` });
    const slideImage = s('image', { x: 0, y: 0, width: 0, height: 0 });
    const shapesGroup = s('g', { class: 'whiteboard' });
    const cursor = s('circle', { class: 'cursor' });
    svg.append(defs, group);
    inner.append(svg);

    /** Font state for tldraw v2: whiteboard content waits for it, a failure replaces it. */
    let font = /** @type {'none' | 'loading' | 'ready' | 'failed'} */ (rec.tldraw?.v2 ? 'none' : 'ready');
    let lastTime = -1;
    const loadFont = () => {
      font = 'loading';
      new FontFace('tldraw_draw', `url(${TLDRAW_FONT})`).load().then(
        (face) => {
          document.fonts.add(face);
          font = 'ready';
          render(lastTime);
        },
        () => {
          font = 'failed';
          inner.replaceChildren(h('div', { class: 'tl-loading' }, ['Could not load assets. Please refresh the page.']));
        },
      );
    };

    let key = '';
    /** @param {number} t */
    function render(t) {
      lastTime = t;
      const pz = currentIndex(rec.panzooms.events, t);
      const slideIndex = currentIndex(rec.slides, t);
      const started = pz !== -1;
      if (tldrawMode && started && font === 'none') loadFont();
      if (font === 'failed') return;
      inner.classList.toggle('logo', !started);
      const slide = rec.slides[slideIndex];
      // In tldraw recordings pan/zoom and shapes live in a scaled page space.
      const scale = tldrawMode && slide ? Math.min(1440 / slide.width, 1080 / slide.height) : 1;
      const [x = 0, y = 0, w = 0, hgt = 0] = started ? /** @type {number[]} */ (rec.panzooms.events[pz]?.viewBox ?? [0, 0, 0, 0]) : [0, 0, 0, 0];
      // tldraw stores a camera offset (the page point at the top-left corner is -x, -y).
      const vb = tldrawMode ? { x: -x || 0, y: -y || 0, w: w * scale, h: hgt * scale } : { x, y, w, h: hgt };
      const nextKey = `${vb.x} ${vb.y} ${vb.w} ${vb.h}`;
      if (nextKey !== key) {
        key = nextKey;
        svg.setAttribute('viewBox', nextKey);
        for (const [k, v] of Object.entries({ x: vb.x, y: vb.y, width: vb.w, height: vb.h })) clipRect.setAttribute(k, String(v));
      }
      if (!started || font !== 'ready') {
        group.replaceChildren();
        return;
      }
      const children = [];
      if (slide) {
        const href = fileUrl(rec.mediaId, slide.src);
        if (slideImage.getAttribute('href') !== href) slideImage.setAttribute('href', href);
        // tldraw v2 puts the slide at page (1, 1); shapes and cursor are in page coordinates.
        const offset = tldrawMode && rec.tldraw?.v2 ? 1 : 0;
        slideImage.setAttribute('x', String(offset));
        slideImage.setAttribute('y', String(offset));
        slideImage.setAttribute('width', String(slide.width * scale));
        slideImage.setAttribute('height', String(slide.height * scale));
        children.push(slideImage);
        const shapes = tldrawMode ? tldrawShapes(rec, slide.id, t) : canvasShapes(rec, slide.id, t);
        shapesGroup.replaceChildren(...shapes);
        children.push(shapesGroup);
      }
      const c = rec.cursor.events[currentIndex(rec.cursor.events, t)]?.xy;
      if (c && !(c[0] === -1 && c[1] === -1) && c.length >= 2) {
        // Fractions of the view box, or page coordinates in tldraw recordings.
        const cx = tldrawMode ? /** @type {number} */ (c[0]) : vb.x + /** @type {number} */ (c[0]) * vb.w;
        const cy = tldrawMode ? /** @type {number} */ (c[1]) : vb.y + /** @type {number} */ (c[1]) * vb.h;
        cursor.setAttribute('style', `cx: ${cx}px; cy: ${cy}px;`);
        cursor.classList.toggle('tl-cursor', tldrawMode);
        children.push(cursor);
      }
      group.replaceChildren(...children);
    }
    followers.push(render);
    return wrapper;
  }

  /**
   * Pre-2.6 whiteboard: the shapes of the slide's canvas drawn and not undone at `t`; of the
   * successive versions of one shape (a pencil stroke growing) only the latest is shown.
   * @param {Recording} rec @param {number} slideId @param {number} t
   */
  function canvasShapes(rec, slideId, t) {
    /** @type {Map<string, CanvasShape>} */
    const latest = new Map();
    for (const shape of rec.canvases.get(slideId) ?? []) {
      if (shape.time > t) continue;
      latest.delete(shape.id);
      latest.set(shape.id, shape);
    }
    const out = [];
    for (const shape of latest.values()) {
      if (!activeAt(t, shape.time, shape.undo)) continue;
      const g = s('g', { class: 'shape', 'data-shape': shape.id, style: shape.style });
      for (const child of Array.from(shape.node.children)) g.append(document.importNode(child, true));
      out.push(g);
    }
    return out;
  }

  const TL_COLORS = /** @type {Record<string, string>} */ ({
    black: '#1d1d1d',
    grey: '#9fa8b2',
    'light-violet': '#e085f4',
    violet: '#ae3ec9',
    blue: '#4465e9',
    'light-blue': '#4ba1f1',
    yellow: '#f1ac4b',
    orange: '#e16919',
    green: '#099268',
    'light-green': '#4cb05e',
    'light-red': '#f87777',
    red: '#e03131',
    white: '#ffffff',
  });
  const TL_STROKE = /** @type {Record<string, number>} */ ({ s: 2, m: 3.5, l: 5, xl: 10, small: 2, medium: 3.5, large: 5 });
  const TL_FONT = /** @type {Record<string, number>} */ ({ s: 18, m: 24, l: 36, xl: 44, small: 18, medium: 24, large: 36 });

  /**
   * BBB 2.6+ whiteboard: tldraw shapes of the slide drawn and not undone at `t` (the last version
   * of each shape id wins), as simple SVG in `.tl-shape` groups. Handles tldraw v2 shapes
   * (x, y, props) and v1 shapes (point, size).
   * @param {Recording} rec @param {number} slideId @param {number} t
   */
  function tldrawShapes(rec, slideId, t) {
    /** @type {Map<string, any>} */
    const shown = new Map();
    for (const entry of rec.tldraw?.pages.get(slideId) ?? []) {
      const id = String(entry.shape.id ?? '');
      if (entry.time > t) continue;
      if (activeAt(t, entry.time, entry.undo)) shown.set(id, entry.shape);
      else shown.delete(id);
    }
    const out = [];
    for (const [id, shape] of shown) {
      const props = shape.props ?? {};
      const style = shape.style ?? {};
      const [x, y] = Array.isArray(shape.point) ? shape.point : [Number(shape.x ?? 0), Number(shape.y ?? 0)];
      const [w, hgt] = Array.isArray(shape.size)
        ? shape.size
        : Array.isArray(shape.radius)
          ? [shape.radius[0] * 2, shape.radius[1] * 2]
          : [Number(props.w ?? 0), Number(props.h ?? 0)];
      const color = TL_COLORS[props.color ?? style.color] ?? '#1d1d1d';
      const width = TL_STROKE[props.size ?? style.size] ?? 3.5;
      const type = String(shape.type ?? '');
      const geo = String(props.geo ?? type);
      const rotation = (Number(shape.rotation ?? 0) * 180) / Math.PI;
      const g = s('g', {
        class: 'tl-shape',
        'data-shape-id': id,
        'data-shape-type': type,
        transform: `translate(${x} ${y}) rotate(${rotation})`,
        fill: 'none',
        stroke: color,
        'stroke-width': width,
        'stroke-linecap': 'round',
        'stroke-linejoin': 'round',
      });
      /** @param {any[]} pts */
      const polyline = (pts) => s('polyline', { points: pts.map((p) => (Array.isArray(p) ? `${p[0]},${p[1]}` : `${p.x},${p.y}`)).join(' ') });
      if (type === 'draw' || type === 'highlight') {
        const segments = Array.isArray(props.segments) ? props.segments : [{ points: shape.points ?? [] }];
        for (const seg of segments) g.append(polyline(seg.points ?? []));
      } else if (type === 'line') {
        // v2 keeps vertices in props.points or props.handles (ordered by index), v1 in handles.
        const handles = /** @type {any[]} */ (Object.values(props.points ?? props.handles ?? shape.handles ?? {}));
        handles.sort((a, b) => String(a.index ?? a.id).localeCompare(String(b.index ?? b.id)));
        g.append(polyline(handles.map((hd) => hd.point ?? hd)));
      } else if (type === 'arrow') {
        const a = props.start ?? shape.handles?.start?.point ?? { x: 0, y: 0 };
        const b = props.end ?? shape.handles?.end?.point ?? { x: 0, y: 0 };
        g.append(polyline([a, b]));
      } else if (type === 'text' || type === 'note' || props.text || shape.text) {
        const size = TL_FONT[props.size ?? style.size] ?? 24;
        const text = s('text', { x: 0, y: size, fill: color, stroke: 'none', 'font-size': size, 'font-family': rec.tldraw?.v2 ? 'tldraw_draw, sans-serif' : 'sans-serif' });
        text.textContent = String(props.text ?? shape.text ?? '');
        g.append(text);
      } else if (geo === 'ellipse') {
        g.append(s('ellipse', { cx: w / 2, cy: hgt / 2, rx: w / 2, ry: hgt / 2 }));
      } else if (geo === 'triangle') {
        g.append(s('polygon', { points: `${w / 2},0 ${w},${hgt} 0,${hgt}` }));
      } else {
        g.append(s('rect', { x: 0, y: 0, width: w, height: hgt }));
      }
      if (props.fill === 'solid' || style.isFilled) g.setAttribute('fill', color);
      out.push(g);
    }
    return out;
  }

  // ---------------------------------------------------------------- start

  function start() {
    const rest = decodeURIComponent(location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '');
    const parts = rest.split('/').filter(Boolean);
    if (parts.length > 1) return showError(404);
    const recordId = parts[0] ?? '';
    if (!RECORD_ID.test(recordId)) return showError(400);

    const items = new Map(CONTENT_KINDS.map((kind) => [kind, h('div', { class: `item ${kind}`, 'data-content': kind }, [kind])]));
    root.replaceChildren(
      h('div', { id: 'loader', class: 'loader-wrapper', 'aria-label': 'Loading' }, [
        h('div', { class: 'loader-top' }),
        h('div', { class: 'loader-middle' }, [h('div', { class: 'dot' }), h('div', { class: 'dot' }), h('div', { class: 'dot' })]),
        h('div', { class: 'loader-bottom' }, [h('div', { class: 'data-wrapper' }, [...items.values()])]),
      ]),
    );
    loadRecording(recordId, (kind) => items.get(kind)?.classList.add('loaded')).then(
      (rec) => setTimeout(() => buildPlayer(rec), LOADED_FEEDBACK_MS),
      (error) => {
        console.error('[stand-in player]', error);
        showError(error instanceof PlayerError ? error.code : 404);
      },
    );
  }

  start();
})();

// @ts-check
// Every word of the interface, in English and French. The browser's language by default;
// the switch in the header remembers the choice.

const en = {
  "app.tagline": "Customer-journey workshops, live, on one shared board.",
  "lang.switch": "Français",
  "lang.switch.label": "Passer en français",
  "home.create.title": "Start a workshop",
  "home.create.help": "You will get a private facilitator link and a short code for participants.",
  "home.title": "Workshop title",
  "home.title.placeholder": "e.g. Our customers' journeys",
  "home.template": "Start from",
  "home.name": "Your name (facilitator)",
  "home.create": "Create the workshop",
  "home.join.title": "Join a workshop",
  "home.join.help": "Type the code your facilitator shows you.",
  "home.code": "Join code",
  "home.join": "Join",
  "home.recent": "Your recent workshops",
  "join.title": "Join the workshop",
  "join.name": "Your display name",
  "join.help": "No account needed: just a name others will see.",
  "join.go": "Enter the board",
  "created.title": "Your workshop is ready",
  "created.facilitator": "Your private facilitator link (keep it to yourself):",
  "created.participants": "For participants: this link, or the code",
  "created.open": "Open the board",
  "copy": "Copy",
  "copied": "Copied",
  "conn.connecting": "Connecting…",
  "conn.online": "Online",
  "conn.offline": "Reconnecting…",
  "conn.pending": "{n} change(s) waiting to be sent",
  "presence.label": "Who is online",
  "presence.count": "{n} online",
  "presence.you": "you",
  "role.facilitator": "facilitator",
  "lane.enchantments": "Enchantments",
  "lane.irritants": "Irritants",
  "lane.expectations": "Expectations",
  "lane.solutions": "Solutions",
  "lane.custom": "Lane",
  "channel.web": "Web",
  "channel.email": "Email",
  "channel.chatbot": "Chatbot",
  "channel.app": "Mobile app",
  "channel.vr": "Virtual reality",
  "channel.social": "Social media",
  "channel.phone": "Phone",
  "channel.crc": "Customer-relation centre",
  "channel.onsite": "On site",
  "legend.title": "Channels",
  "note.add": "Add a note",
  "note.add.in": "Add a note in {stage}, {lane}",
  "note.edit": "Edit note",
  "note.new": "New note",
  "note.text": "Text",
  "note.channel": "Channel",
  "note.stage": "Stage",
  "note.lane": "Lane",
  "note.save": "Save",
  "note.cancel": "Cancel",
  "note.delete": "Delete",
  "note.delete.confirm": "Delete this note?",
  "note.pending": "not saved yet",
  "note.hint": "Enter saves, Shift+Enter for a new line.",
  "note.aria": "Note: {text}. Channel {channel}. Enter to edit, Alt+arrows to move.",
  "note.moved": "Note moved to {stage}, {lane}.",
  "note.empty": "(empty note)",
  "stage.add": "Add a stage",
  "stage.rename": "Rename stage",
  "stage.left": "Move stage left",
  "stage.right": "Move stage right",
  "stage.remove": "Remove stage",
  "stage.title": "Stage title",
  "stage.remove.confirm": "Remove the stage “{stage}” and its {n} note(s)?",
  "stage.prev": "Previous stage",
  "stage.next": "Next stage",
  "stage.of": "Stage {i} of {n}",
  "menu.share": "Invite",
  "menu.share.title": "Invite participants",
  "menu.share.code": "Join code",
  "menu.share.link": "Join link",
  "menu.share.facilitator": "Your facilitator link (private)",
  "menu.close": "Close",
  "personas.label": "Personas",
  "help.title": "How it works",
  "help.body": "Add notes with the + buttons. Tap or press Enter on a note to edit it, change its channel, or move it. Drag notes between cells with the mouse or a finger; with the keyboard, Alt+←/→ changes stage, Alt+Shift+↑/↓ changes lane, Alt+↑/↓ reorders. Every change reaches everyone at once.",
  "error.generic": "Something went wrong: {message}",
  "error.not_found.workshop": "This workshop does not exist, or this link is not valid for it.",
  "error.noaccess": "You have not joined this workshop yet.",
  "error.noaccess.help": "Ask your facilitator for the join link or code.",
  "error.offline": "The change could not be sent. It will be retried when the connection is back.",
  "skip": "Skip to the board",
  "board.grid": "Journey of {persona}",
  "board.loading": "Loading the board…",
  "home.link": "Parcours home",
};

/** @type {typeof en} */
const fr = {
  "app.tagline": "Des ateliers parcours client en direct, sur un tableau partagé.",
  "lang.switch": "English",
  "lang.switch.label": "Switch to English",
  "home.create.title": "Lancer un atelier",
  "home.create.help": "Vous recevrez un lien animateur privé et un code court pour les participants.",
  "home.title": "Titre de l'atelier",
  "home.title.placeholder": "ex. Les parcours de nos clients",
  "home.template": "Partir de",
  "home.name": "Votre nom (animateur)",
  "home.create": "Créer l'atelier",
  "home.join.title": "Rejoindre un atelier",
  "home.join.help": "Tapez le code que vous montre l'animateur.",
  "home.code": "Code d'accès",
  "home.join": "Rejoindre",
  "home.recent": "Vos ateliers récents",
  "join.title": "Rejoindre l'atelier",
  "join.name": "Votre nom affiché",
  "join.help": "Pas de compte : juste un nom que les autres verront.",
  "join.go": "Entrer dans le tableau",
  "created.title": "Votre atelier est prêt",
  "created.facilitator": "Votre lien animateur privé (gardez-le pour vous) :",
  "created.participants": "Pour les participants : ce lien, ou le code",
  "created.open": "Ouvrir le tableau",
  "copy": "Copier",
  "copied": "Copié",
  "conn.connecting": "Connexion…",
  "conn.online": "En ligne",
  "conn.offline": "Reconnexion…",
  "conn.pending": "{n} modification(s) en attente d'envoi",
  "presence.label": "Qui est en ligne",
  "presence.count": "{n} en ligne",
  "presence.you": "vous",
  "role.facilitator": "animateur",
  "lane.enchantments": "Enchantements",
  "lane.irritants": "Irritants",
  "lane.expectations": "Attentes",
  "lane.solutions": "Solutions",
  "lane.custom": "Ligne",
  "channel.web": "Web",
  "channel.email": "E-mail",
  "channel.chatbot": "Chatbot",
  "channel.app": "Appli mobile",
  "channel.vr": "Réalité virtuelle",
  "channel.social": "Réseaux sociaux",
  "channel.phone": "Téléphone",
  "channel.crc": "Centre de relation client",
  "channel.onsite": "Sur place",
  "legend.title": "Canaux",
  "note.add": "Ajouter une note",
  "note.add.in": "Ajouter une note dans {stage}, {lane}",
  "note.edit": "Modifier la note",
  "note.new": "Nouvelle note",
  "note.text": "Texte",
  "note.channel": "Canal",
  "note.stage": "Étape",
  "note.lane": "Ligne",
  "note.save": "Enregistrer",
  "note.cancel": "Annuler",
  "note.delete": "Supprimer",
  "note.delete.confirm": "Supprimer cette note ?",
  "note.pending": "pas encore enregistrée",
  "note.hint": "Entrée enregistre, Maj+Entrée pour aller à la ligne.",
  "note.aria": "Note : {text}. Canal {channel}. Entrée pour modifier, Alt+flèches pour déplacer.",
  "note.moved": "Note déplacée vers {stage}, {lane}.",
  "note.empty": "(note vide)",
  "stage.add": "Ajouter une étape",
  "stage.rename": "Renommer l'étape",
  "stage.left": "Déplacer l'étape à gauche",
  "stage.right": "Déplacer l'étape à droite",
  "stage.remove": "Supprimer l'étape",
  "stage.title": "Titre de l'étape",
  "stage.remove.confirm": "Supprimer l'étape « {stage} » et ses {n} note(s) ?",
  "stage.prev": "Étape précédente",
  "stage.next": "Étape suivante",
  "stage.of": "Étape {i} sur {n}",
  "menu.share": "Inviter",
  "menu.share.title": "Inviter les participants",
  "menu.share.code": "Code d'accès",
  "menu.share.link": "Lien d'accès",
  "menu.share.facilitator": "Votre lien animateur (privé)",
  "menu.close": "Fermer",
  "personas.label": "Personas",
  "help.title": "Mode d'emploi",
  "help.body": "Ajoutez des notes avec les boutons +. Touchez une note ou appuyez sur Entrée pour la modifier, changer son canal ou la déplacer. Glissez les notes d'une case à l'autre à la souris ou au doigt ; au clavier, Alt+←/→ change d'étape, Alt+Maj+↑/↓ change de ligne, Alt+↑/↓ change l'ordre. Chaque modification arrive chez tout le monde aussitôt.",
  "error.generic": "Un problème est survenu : {message}",
  "error.not_found.workshop": "Cet atelier n'existe pas, ou ce lien n'est pas valable pour lui.",
  "error.noaccess": "Vous n'avez pas encore rejoint cet atelier.",
  "error.noaccess.help": "Demandez le lien ou le code d'accès à l'animateur.",
  "error.offline": "La modification n'a pas pu partir. Elle sera renvoyée au retour de la connexion.",
  "skip": "Aller au tableau",
  "board.grid": "Parcours de {persona}",
  "board.loading": "Chargement du tableau…",
  "home.link": "Accueil Parcours",
};

const dictionaries = { en, fr };

/** @typedef {keyof typeof en} Key */

/** @returns {"en" | "fr"} */
function initial() {
  const saved = localStorage.getItem("parcours:lang");
  if (saved === "en" || saved === "fr") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** @type {"en" | "fr"} */
let lang = initial();
/** @type {Set<() => void>} */
const listeners = new Set();

export function currentLang() {
  return lang;
}

/** @param {"en" | "fr"} next */
export function setLang(next) {
  lang = next;
  localStorage.setItem("parcours:lang", next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

/** @param {() => void} listener */
export function onLangChange(listener) {
  listeners.add(listener);
}

/**
 * @param {Key} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars) {
  let text = dictionaries[lang][key] ?? en[key] ?? key;
  if (vars) {
    for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}

/** Fill every [data-i18n] (text) and [data-i18n-attr="attr:key,..."] below root. */
export function translate(root = document.body) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(/** @type {Key} */ (el.getAttribute("data-i18n")));
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of (el.getAttribute("data-i18n-attr") || "").split(",")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(/** @type {Key} */ (key)));
    }
  }
}

document.documentElement.lang = lang;

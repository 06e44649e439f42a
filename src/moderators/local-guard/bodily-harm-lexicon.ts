// Cues for Violence & Harm, Self-Harm & Suicide and Sexual Content. Patterns run on normalised
// (lowercased) text and are wrapped in word boundaries by the builders.
import { act, type HarmCue, inherent, topic } from "./harm-cue.ts";
import type { TargetClass } from "./target-lexicon.ts";

const PERSON: TargetClass[] = ["human", "pronoun", "named"];

// Verbs that hurt a person. Alone they are weak: "kill a process", "shoot a photo".
const PERSON_HARM =
  "kill(?:s|ed|ing)?|shoot(?:s|ing)?|shot|chok(?:e|es|ed|ing)|throttl(?:e|es|ed|ing)|smother(?:s|ed|ing)?|suffocat(?:e|es|ed|ing)|drown(?:s|ed|ing)?|hang(?:s|ed|ing)?|beat(?:s|ing)?(?: up)?|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|hit(?:s|ting)?|slap(?:s|ped|ping)?|attack(?:s|ed|ing)?|assault(?:s|ed|ing)?|hurt(?:s|ing)?|injur(?:e|es|ed|ing)|harm(?:s|ed|ing)?|poison(?:s|ed|ing)?|execut(?:e|es|ed|ing)|butcher(?:s|ed|ing)?|gut(?:s|ted|ting)?|crush(?:es|ed|ing)?|smash(?:es|ed|ing)?(?: in)?|shatter(?:s|ed|ing)?|break(?:s|ing)?|crack(?:s|ed|ing)? open|burn(?:s|ed|ing)?|slay(?:s|ed|ing)?|snip(?:e|es|ed|ing)|eliminat(?:e|es|ed|ing)|eradicat(?:e|es|ed|ing)|exterminat(?:e|es|ed|ing)|annihilat(?:e|es|ed|ing)|wip(?:e|es|ed|ing) out|liquidat(?:e|es|ed|ing)|decimat(?:e|es|ed|ing)|tak(?:e|es|ing) out|do away with|terminat(?:e|es|ed|ing)|end (?:[a-z']+ ){0,2}life|hunt(?:s|ed|ing)? down|captur(?:e|es|ed|ing)|overpower(?:s|ed|ing)?|tackl(?:e|es|ed|ing)|push(?:es|ed|ing)?|rip(?:s|ped|ping)? (?:off|out)|hammer(?:s|ed|ing)?|knock(?:s|ed|ing)? out|knockout punch|headshot|euthani[sz](?:e|es|ed|ing)|electrocut(?:e|es|ed|ing)|starv(?:e|es|ed|ing)|run(?:ning)? over|gas(?:sing)?|cut(?:s|ting)? (?:off|open)|chop(?:s|ped|ping)? (?:up|off)|saw(?:ing)?|stomp(?:s|ed|ing)? on|finish(?:ing)? off|put down|hurt (?:[a-z]+ ){0,2}most|incapacitat(?:e|es|ed|ing)|sedat(?:e|es|ed|ing)|drug(?:ging)? (?:him|her|someone|somebody|my [a-z]+)";

// Unambiguous violence: strong even before a target is named.
const SEVERE_HARM =
  "murder(?:s|ed|ing)?|assassinat(?:e|es|ed|ing)|behead(?:s|ed|ing)?|decapitat(?:e|es|ed|ing)|dismember(?:s|ed|ing)?|strangl(?:e|es|ed|ing)|stab(?:s|bed|bing)?|tortur(?:e|es|ed|ing)|mutilat(?:e|es|ed|ing)|maim(?:s|ed|ing)?|lynch(?:es|ed|ing)?|massacr(?:e|es|ed|ing)|slaughter(?:s|ed|ing)?|kidnap(?:s|ped|ping)?|abduct(?:s|ed|ing)?|tak(?:e|es|ing) (?:[a-z']+ ){0,3}hostage|hold(?:s|ing)? (?:[a-z']+ ){0,3}hostage|shoot(?:ing)? up|slit (?:[a-z']+ ){0,2}throat|snap (?:[a-z']+ ){0,2}neck|drawn and quartered|burn(?:ed|ing)? alive|buried alive|flay(?:s|ed|ing)?(?: alive)?|skinn(?:ed|ing) alive|disembowel(?:s|ed|led|ing|ling)?|impal(?:e|es|ed|ing)|crucif(?:y|ies|ied|ying)|make (?:[a-z']+ ){1,3}(?:fall down|fall off|trip|choke|overdose|drown|die|get sick|fall ill|bleed out|crash)";

const DESTROY =
  "blow(?:s|ing)? up|blew up|bomb(?:s|ed|ing)?|explod(?:e|es|ed|ing)|explosion|detonat(?:e|es|ed|ing)|set(?:ting)? (?:[a-z']+ ){0,3}(?:on fire|alight|ablaze)|set(?:ting)? fire to|burn(?:s|ing)? down|torch(?:es|ed|ing)?|destroy(?:s|ed|ing)?|demolish(?:es|ed|ing)?|obliterat(?:e|es|ed|ing)|wip(?:e|es|ed|ing) out|eradicat(?:e|es|ed|ing)|exterminat(?:e|es|ed|ing)|annihilat(?:e|es|ed|ing)|decimat(?:e|es|ed|ing)|level(?:s|led|ling)?|wreck(?:s|ed|ing)?|vandali[sz](?:e|es|ed|ing)|slash(?:es|ed|ing)?|sabotag(?:e|es|ed|ing)|smash(?:es|ed|ing)?|key(?:ing)?|damag(?:e|es|ed|ing)|ruin(?:s|ed|ing)?|shoot(?:ing)? up|attack(?:s|ed|ing)?|ram(?:ming)? (?:a |my )?(?:car|truck|vehicle) into";

// "heart attack", "panic attack": a medical event, not an assault.
const MEDICAL_ATTACK = /\b(?:heart|panic|anxiety|asthma|gout|migraine|seizure) $/;

const SELF_HARM =
  "kill(?:s|ing)?|hurt(?:s|ing)?|harm(?:s|ing)?|cut(?:s|ting)?|hang(?:s|ing)?|drown(?:s|ing)?|burn(?:s|ing)?|shoot(?:s|ing)?|poison(?:s|ing)?|starv(?:e|es|ing)|suffocat(?:e|es|ing)|overdos(?:e|es|ing)|stab(?:s|bing)?|injur(?:e|es|ing)|mutilat(?:e|es|ing)|slit(?:ting)?|sever(?:s|ing)?|pierc(?:e|es|ing)|carv(?:e|es|ing)|scratch(?:es|ing)?|strangl(?:e|es|ing)|choke|electrocut(?:e|ing)|end(?:ing)?|punish(?:ing)?|bleed(?:ing)?|sterili[sz]e";

const AGENTS =
  "ricin|sarin|vx|tabun|soman|novichok|anthrax|botulinum(?: toxin)?|lewisite|mustard gas|phosgene|chlorine gas|hydrogen cyanide|cyanide|strychnine|tetrodotoxin|parathion|nerve (?:agents?|gas)|chemical (?:warfare )?(?:agents?|weapons?)|biological (?:warfare )?(?:agents?|weapons?)|dimethylmercury|bio-?weapons?|toxins?|pathogens?|ebola|smallpox|plague|cholera|mycotoxins?|aflatoxin|abrin|polonium|radioactive (?:material|isotopes?)";

const WEAPONS =
  "bombs?|pipe bombs?|nail bombs?|car bombs?|dirty bombs?|explosives?|explosive devices?|ieds?|grenades?|molotov(?: cocktails?)?|napalm|thermite|detonators?|suicide vests?|landmines?|guns?|firearms?|weapons?|rifles?|pistols?|handguns?|silencers?|suppressors?|ghost guns?|flamethrowers?|zip guns?|machine guns?|auto sears?|bump stocks?|weapons? of mass destruction";

/** Cues for physical violence, self-harm and sexual content. */
export const BODILY_HARM_CUES: readonly HarmCue[] = [
  act(
    "violence.severe",
    SEVERE_HARM,
    { violence: 1.8 },
    [
      { targets: [...PERSON, "body"], weights: { violence: 3 } },
      { targets: ["group"], weights: { violence: 3, hate: 3.2 } },
      { targets: ["animal"], weights: { violence: 1.5 } },
    ],
    { unless: /^ of crows/ },
  ),
  act(
    "violence.harm",
    PERSON_HARM,
    { violence: 0.8 },
    [
      { targets: PERSON, weights: { violence: 3 } },
      { targets: ["group"], weights: { violence: 3, hate: 3.2 } },
      { targets: ["self"], weights: { selfHarm: 3.4 }, side: "after" },
      { targets: ["body"], weights: { violence: 2.5, illegal: 2 } },
    ],
    {
      unless:
        /^(?: [a-z']+){0,4} (?:for|to) (?:dinner|lunch|breakfast|brunch|a meal|a drink|drinks|coffee|a date|the movies)|^ (?:[a-z']+ ){0,2}(?:heart|time|the lights|the mood|the competition|the record|the heat|the odds|the deadline|expectations|the system)\b/,
      unlessBefore: MEDICAL_ATTACK,
    },
  ),
  act(
    "violence.destroy",
    DESTROY,
    { violence: 0.6 },
    [
      { targets: ["venue"], weights: { violence: 3 } },
      { targets: ["property"], weights: { violence: 2.2, illegal: 1.6 } },
      { targets: PERSON, weights: { violence: 2.5 } },
    ],
    {
      unless:
        /^ with laughter|^ (?:[a-z']+ ){0,3}(?:with|from) (?:laughter|laughing|joy|excitement)|^ onto the/,
      unlessBefore: MEDICAL_ATTACK,
    },
  ),
  act(
    "violence.corpse",
    "dispos(?:e|ing) of|get(?:ting)? rid of|dissolv(?:e|ing)|bury(?:ing)?|hid(?:e|ing)|chop(?:ping)? up|cut(?:ting)? up|saw(?:ing)?|clean(?:ing)? up",
    {},
    [{ targets: ["body"], weights: { violence: 3, illegal: 3 } }],
  ),
  act(
    "violence.animal-cruelty",
    "tortur(?:e|ing)|abus(?:e|ing)|mutilat(?:e|ing)|dismember(?:ed|ing)?|burn(?:ing)?|drown(?:ing)?|starv(?:e|ing)|poison(?:ing)?|kick(?:ing)?|beat(?:ing)?|hurt(?:ing)?|harm(?:ing)?|kill(?:ing)?",
    {},
    [{ targets: ["animal"], weights: { violence: 2.4 } }],
  ),
  act(
    "violence.plan",
    "plan(?:s|ned|ning)? (?:[a-z']+ ){0,3}(?:death|murder|killing|assassination|massacre|attack|shooting|bombing|explosion|ambush|execution)",
    { violence: 3 },
    [],
  ),
  inherent(
    "violence.weapon-build",
    `(?:make|making|build|building|assembl(?:e|ing)|construct(?:ing)?|creat(?:e|ing)|manufactur(?:e|ing)|3d print(?:ing)?|3d-print(?:ing)?|3dprint(?:ing)?|print(?:ing)?|produc(?:e|ing)|craft(?:ing)?|rig(?:ging)?|wir(?:e|ing)|design(?:ing)?|convert(?:ing)?) (?:[a-z'-]+ ){0,4}(?:${WEAPONS})`,
    { violence: 3, illegal: 2.6 },
    { unless: /^ (?:in|for) (?:minecraft|the game|a game|fortnite|terraria|skyrim)/ },
  ),
  inherent(
    "violence.bomb-placement",
    "(?:plant(?:ing)?|plac(?:e|ing)|hid(?:e|ing)|smuggl(?:e|ing)|detonat(?:e|ing)|set(?:ting)? off|explod(?:e|ing)|deton(?:ate|ating)) (?:[a-z']+ ){0,3}(?:bombs?|explosives?|explosive devices?|ieds?|devices?)|explosives?-laden|bomb threat",
    { violence: 3.5, illegal: 2.5 },
  ),
  inherent(
    "violence.agent",
    `(?:synthesi[sz](?:e|es|ing)|synthesis of|manufactur(?:e|es|ing)|produc(?:e|es|ing)|extract(?:s|ing)?|cultur(?:e|es|ing)|weaponi[sz](?:e|es|ing)|isolat(?:e|es|ing)|make|making|brew(?:ing)?|cook(?:ing)?|grow(?:ing)?|acquir(?:e|ing)|obtain(?:ing)?|purchas(?:e|ing)|buy(?:ing)?|mak(?:e|ing)|ingredients for|precursors? (?:for|of)) (?:[a-z'-]+ ){0,4}(?:${AGENTS})`,
    { violence: 3.6, illegal: 2.5 },
  ),
  inherent(
    "violence.mass-harm",
    "(?:spread(?:ing)?|releas(?:e|ing)|dispers(?:e|ing)|aerosoli[sz](?:e|ing)|introduc(?:e|ing)|start(?:ing)?|caus(?:e|ing)) (?:[a-z'-]+ ){0,4}(?:virus|pathogens?|disease|toxins?|gas|cholera|ebola|anthrax|bacteria|outbreak|pandemic|epidemic)|tamper(?:ing)? with (?:[a-z'-]+ ){0,4}(?:water supply|food|medicine|medications?|pacemakers?|medical devices?|insulin|brakes?|life-saving)|poison(?:ing)? (?:[a-z'-]+ ){0,3}(?:water supply|food supply|reservoir|wells?)|(?:more|most) (?:deadly|lethal|transmissible|contagious)|mass casualt(?:y|ies)|maximum casualties|kill (?:lots of|many|as many|large numbers of|thousands of|hundreds of) people|infect as many",
    { violence: 3.6 },
  ),
  topic(
    "violence.topic",
    "terrorism|terrorist attacks?|terror attacks?|acts? of terror(?:ism)?|mass shootings?|school shootings?|shooting spree|killing spree|suicide bomb(?:ing|er)?s?|hitm[ae]n|hit m[ae]n|contract killing|murder|homicide|assassinations?|massacres?|armed robbery|violent (?:crime|assault|attack)s?|violence|arson|kidnapping|death threats?|genocide|torture|animal cruelty|dangerous stunts?|dangerous behaviou?rs?|drunk driving|reckless driving|street racing|firearms?|violent extremism|weapons? of mass destruction|wmds?|chemical weapons?|biological weapons?|bio-?weapons?|terrorist (?:organi[sz]ations?|groups?|cells?|networks?)|physical harm|eco-?terrorism|radicali[sz](?:ation|e|ing)|(?:chemical|biological) warfare(?: agents?)?|biohazard(?:ous)?|(?:biosafety|bsl-?[34]|high-containment) (?:lab|laboratory|facility)|gain[- ]of[- ]function|select agents?|dangerous (?:dna|pathogen|genetic|viral) sequences|(?:bacteria|strains?|pathogens?) (?:that are )?resistant to antibiotics|antibiotic[- ]resistant (?:bacteria|strains?|pathogens?)|pro-(?:isis|nazi|terrorist|al-qaeda)",
    { violence: 1.5 },
  ),
  topic(
    "violence.toxic-mix",
    "(?:toxic|poisonous|lethal|deadly|fatal) (?:if|when) (?:swallowed|ingested|inhaled|eaten|drunk|mixed)|(?:undetectable|untraceable|tasteless|odou?rless) (?:poisons?|toxins?|substances?|chemicals?|drugs?)|(?:slip|put|mix|add|sneak|pour)(?:ping|ting|ing)? (?:[a-z]+ ){0,3}(?:in|into) (?:[a-z]+ ){0,2}(?:his|her|their|someone's|my [a-z]+'s) (?:drink|coffee|tea|food|meal|lunch|water|medication|pills)|mix(?:ing|es)? (?:[a-z]+ ){0,2}bleach (?:and|with) (?:ammonia|vinegar|rubbing alcohol|acids?)|bleach and (?:ammonia|vinegar|rubbing alcohol)|(?:feed|feeding) (?:[a-z]+ ){0,3}(?:honey to infants|lil(?:l)?ies to (?:their |your )?cats)|(?:eat|eating) (?:laundry )?(?:detergent|tide pods)|huff(?:ing)? (?:paint|glue|gas)",
    { violence: 2.4 },
  ),
  inherent("violence.graphic", "(?:graphic|gory|brutal|vivid|explicit) (?:detail|description|depiction)s?", {
    violence: 1.2,
  }),
  act("self-harm.act", SELF_HARM, {}, [{ targets: ["self"], weights: { selfHarm: 4.2 }, side: "after" }]),
  inherent(
    "self-harm.method",
    "(?:kill|end|take) (?:my|your) (?:own )?life|end it all|(?:to|and|so (?:that )?i can|so i) die\\b|want to die|wanna die|don't want to (?:live|be alive|wake up)|better off dead|die like|go out like|lethal dose|overdose on|how many (?:[a-z-]+ ){0,3}(?:to|would) (?:die|kill (?:me|myself|a person)|be lethal|overdose)|painless(?:ly)? (?:way to )?(?:die|death|suicide)|suicide (?:methods?|notes?|pact)|(?:jump|jumping) off (?:a |the )?(?:bridge|building|roof)|slit(?:ting)? (?:my )?wrists?|hang(?:ing)? myself",
    { selfHarm: 3.6 },
  ),
  inherent(
    "self-harm.relapse",
    "(?:convinc|persuad|encourag|pressur|get)(?:e|es|ed|ing|s)? (?:[a-z']+ ){0,4}(?:to )?(?:relapse|drink (?:alcohol )?again|start (?:drinking|using|smoking) again|use drugs again|stop taking (?:[a-z]+ )?(?:medication|meds|insulin|antidepressants))",
    { selfHarm: 2.6, violence: 1 },
  ),
  topic(
    "self-harm.topic",
    "suicide|suicidal|self[- ]harm(?:ing)?|self[- ]injury|self[- ]mutilation|cutting myself|anorexi(?:a|c)|bulimi(?:a|c)|pro-ana|thinspiration|eating disorders?|starv(?:e|ing) (?:myself|yourself)|purging|overdos(?:e|ing)",
    { selfHarm: 1.6 },
  ),
  inherent(
    "sexual.minor",
    "child (?:porn(?:ography)?|sexual abuse material|sex(?:ual)? (?:content|images?|videos?))|csam|(?:sex(?:ual)?|nude|naked|explicit|erotic) (?:[a-z'-]+ ){0,3}(?:with|of|involving|featuring) (?:a |an )?(?:minors?|child(?:ren)?|kids?|underage|teen(?:ager)?s?|toddlers?|[0-9]{1,2}[- ]year[- ]olds?)|underage (?:sex|nudes?|porn|girls?|boys?)|(?:groom(?:ing)?|seduc(?:e|ing)|molest(?:ing)?) (?:a |the |my )?(?:[a-z-]+ )?(?:child|kid|minor|teen|girl|boy|student|nephew|niece)|lolicon|shotacon|(?:satisfy|indulge|act on|feed) (?:[a-z']+ ){0,2}(?:pedophil(?:ia|e)|paedophil(?:ia|e)|urges for (?:kids|children))|solicit(?:s|ing)? (?:[a-z]+ ){0,2}(?:sexual|sex|explicit|nude)|sexual (?:conversations|chats|messages) with (?:minors|strangers|children|kids)|groom (?:[a-z]+ ){0,2}users|pos(?:e|es|ing) as a minor",
    { sexual: 4.6, illegal: 3 },
  ),
  topic(
    "sexual.topic",
    "porn(?:ography|ographic|o)?|explicit (?:sex(?:ual)?|story|scene|content|images?|photos?|pictures?|videos?)|erotic(?:a)?|sex (?:scene|story|tape)s?|sexual (?:story|scene|content|fantasy|roleplay|acts?|favou?rs)|nudes?|naked (?:photos?|pictures?|images?|videos?)|intimate (?:images?|photos?|pictures?|videos?)|sexting|revenge porn|onlyfans leaks?|fetish(?:es)?|bdsm|snuff (?:film|movie|video)|hardcore|orgy|pedophil(?:ia|e)|paedophil(?:ia|e)|rape|sexual (?:assault|violence|abuse|exploitation)|non-?consensual|molest(?:ation)?|brothel|prostitution|escort service",
    { sexual: 1.6 },
  ),
  inherent(
    "sexual.coercion",
    "date[- ]rape drugs?|roofie|(?:drug|spike) (?:her|his|their|my date's|someone's) (?:drink|food)|(?:coerc(?:e|ing)|pressur(?:e|ing)|forc(?:e|ing)|trick(?:ing)?|blackmail(?:ing)?|manipulat(?:e|ing)) (?:[a-z']+ ){0,4}into (?:[a-z-]+ ){0,2}(?:sex|sleeping with|sharing (?:explicit|intimate|nude)|sending (?:nudes|explicit)|having sex)|consent is (?:[a-z]+ )?(?:unnecessary|optional|overrated)|(?:undress|strip|nudify|remove (?:her|his|their) clothes (?:from|in)) (?:[a-z']+ ){0,3}(?:photo|picture|image|her|him|them|this)|get away with rape",
    { sexual: 3.6, violence: 1.5 },
  ),
];

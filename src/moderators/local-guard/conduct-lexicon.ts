// Cues for Illegal Activities, Malicious Disruption and Deception & Misinformation.
import { act, type HarmCue, inherent, topic } from "./harm-cue.ts";

const HARD_DRUGS =
  "cocaine|heroin|meth(?:amphetamine)?|crystal meth|fentanyl|carfentanil|nitazenes?|lsd|mdma|ketamine|ghb|rohypnol|pcp|crack cocaine|opium|oxycontin|illegal drugs|illicit drugs|street drugs|drugs|narcotics|marijuana|marihuana|cannabis|psilocybin|magic mushrooms|shrooms|ecstasy (?:pills?|tablets?)|molly|dmt";

// Slang that is also an everyday word ("a can of coke", "a crack in my pipe", "weed my garden").
const SLANG_DRUGS =
  "(?:a|an|one|two|three|an eighth of|[0-9]+) (?:grams?|g|ounces?|oz|kilos?|kg|eighths?|baggies?|bags?|pounds?|lbs?|key) of (?:coke|crack|weed|speed|ice|blow|dope|smack|pot|acid|molly|ecstasy)|some (?:coke|crack|weed|blow|dope|smack|pot|acid|speed|molly)|(?:make|cook|making|cooking) crack|(?:buy|sell|smoke|snort|score|get|getting|deal|dealing) (?:coke|crack|weed|pot|blow|dope|smack)";

/** Cues for crime, cyber abuse and deception. */
export const CONDUCT_CUES: readonly HarmCue[] = [
  inherent(
    "illegal.drugs",
    `(?:buy(?:ing)?|get(?:ting)?|obtain(?:ing)?|acquir(?:e|ing)|purchas(?:e|ing)|order(?:ing)?|scor(?:e|ing)|sell(?:s|ing)?|deal(?:ing)?|distribut(?:e|ing)|traffic(?:king)?|smuggl(?:e|ing)|mak(?:e|ing)|cook(?:ing)?|synthesi[sz](?:e|ing)|manufactur(?:e|ing)|produc(?:e|ing)|grow(?:ing)?|extract(?:ing)?|hid(?:e|ing)|smok(?:e|ing)|snort(?:ing)?|inject(?:ing)?|tak(?:e|ing)|use|using|try(?:ing)?|sneak(?:ing)?|carry(?:ing)?|bring(?:ing)?|transport(?:ing)?|ship(?:ping)?|mail(?:ing)?|lac(?:e|ing)|set(?:ting)? up (?:a|an) (?:[a-z]+ )?lab(?:oratory)? for) (?:[a-z'-]+ ){0,3}(?:${HARD_DRUGS})|${SLANG_DRUGS}|(?:mak(?:e|ing)|cook(?:ing)?|synthesi[sz](?:e|ing)|manufactur(?:e|ing)|extract(?:ing)?|homebak\\w*) (?:[a-z'-]+ ){0,3}(?:morphine|opioids|oxycodone|hydrocodone|codeine|amphetamines?|barbiturates|benzodiazepines|isotonitazene)|homebake|(?:${HARD_DRUGS}) (?:lab(?:oratory)?|dealer|dealing|trafficking|recipe|synthesis|production|precursors?)`,
    { illegal: 3.2 },
  ),
  topic("illegal.drug-topic", HARD_DRUGS, { illegal: 1 }),
  act(
    "illegal.steal",
    "steal(?:s|ing)?|stole|stolen|rob(?:s|bed|bing)?|burglari[sz](?:e|ing)|burgle|loot(?:s|ed|ing)?|shoplift(?:s|ed|ing)?|pickpocket(?:ing)?|mug(?:ging)? (?:someone|a person|people)|hijack(?:s|ed|ing)?|carjack(?:s|ed|ing)?|hotwir(?:e|es|ed|ing)|embezzl(?:e|es|ed|ing)|defraud(?:s|ed|ing)?|swindl(?:e|es|ed|ing)|scam(?:med|ming)|scam (?:people|someone|the elderly|seniors|victims|users|customers)|con (?:someone|people|old people|the elderly)|extort(?:s|ed|ing)?|blackmail(?:s|ed|ing)?|launder(?:s|ed|ing)?|counterfeit(?:s|ed|ing)?|forg(?:e|es|ed|ing)|smuggl(?:e|es|ed|ing)|poach(?:es|ed|ing)?|brib(?:e|es|ed|ing)|skim(?:ming)?|clon(?:e|ing) (?:a |someone's )?(?:credit )?cards?",
    { illegal: 2.6 },
    [{ targets: ["venue", "property", "human", "private"], weights: { illegal: 1.4 } }],
    {
      unless:
        /^ (?:an? |the |some |my )?(?:eggs?|fish|salmon|pears?|chicken|fruit)\b|^ (?:[a-z']+ ){0,2}(?:heart|hearts|show|spotlight|limelight|base|bases|kiss|glance|look|scene|thunder|moment|ideas? from|the ball|a march)\b|^ (?:[a-z']+ ){0,2}(?:against|from) (?:the )?(?:chess|cpu|computer)/,
      unlessBefore:
        /\b(?:don't|never|not) $|\b(?:i was|was|got|been|being|my (?:car|bike|phone|wallet|identity) was) $/,
    },
  ),
  act(
    "illegal.break-in",
    "break(?:s|ing)? into|broke into|break(?:ing)? in(?:to)?|(?:bypass|disabl|defeat|cut|jam|get(?:ting)? past|get around|sneak past|avoid)(?:e|es|ed|ing|s)? (?:[a-z']+ ){0,2}(?:alarms?|security (?:system|cameras?|guards?)|cctv|cameras?|locks?|immobili[sz]ers?|gps (?:trackers?)?|trackers?|geofenc(?:e|ing)|ankle monitors?|metal detectors?)|(?:gain|get) (?:unauthori[sz]ed )?(?:access|entry) (?:to|into) (?:[a-z'-]+ ){0,3}(?:building|facility|house|home|apartment|vault|premises|office|room|restricted area)|trespass(?:ing)?|infiltrat(?:e|ing) (?:a |the )?(?:[a-z]+ )?(?:facility|building|base|compound)",
    { illegal: 2.3 },
    [{ targets: ["venue", "property", "human", "private", "pronoun"], weights: { illegal: 1.4 } }],
    {
      unless:
        /^ (?:my |the |a |new |these |those |your )*(?:[a-z]+ )?(?:shoes|boots|sneakers|jeans|gloves?|mitt|engine|horse|puppy|pipe)\b|^ (?:the |an? )?(?:[a-z]+ )?(?:industry|market|business|field|song|tears|laughter|a (?:smile|run|sweat|grin)|the top|show business|showbiz|acting|modell?ing|journalism|politics|tech)\b/,
    },
  ),
  act(
    "illegal.lock",
    "pick(?:ing)? (?:a|the|that|this|his|her|their|my neighbou?r's) (?:[a-z]+ )?locks?|open(?:ing)? (?:a|the|that|this|his|her|their) (?:[a-z]+ ){0,2}lock without (?:a |the )?key|lock ?picking|bump(?:ing)? (?:a |the )?lock",
    { illegal: 1.6 },
    [{ targets: ["venue", "property", "human", "private", "pronoun"], weights: { illegal: 1.4 } }],
    { unless: /^ (?:[a-z']+ ){0,3}(?:i|we) (?:own|bought)\b/ },
  ),
  topic(
    "illegal.topic",
    "fraud(?:ulent)?|scams?|scheme to defraud|identity theft|money laundering|counterfeit(?: money| currency| goods| bills)?|forger(?:y|ies)|forged documents|embezzlement|bribery|extortion|blackmail|tax (?:evasion|fraud)|evad(?:e|ing) taxes|insider trading|stock manipulation|manipulat(?:e|ing) stock prices|ponzi scheme|pyramid scheme|smuggling|contraband|human trafficking|sex trafficking|drug trafficking|organ trafficking|human organs|trafficking|burglary|robbery|shoplifting|theft|piracy|pirated (?:content|software|movies|games)|poaching|treason|vandalism|illegal(?:ly)?|unlawful(?:ly)?|black market|dark ?web|chop shops?|stolen (?:goods|cars?|credit cards?|cards?|data|identit(?:y|ies)|information|property)|fake (?:ids?|passports?|documents?|currency|money|prescriptions?|identit(?:y|ies)|licen[cs]es?)|ransom(?: note)?|child labou?r(?:er)?s?|without (?:a |proper )?(?:license|licence|permit|background check|prescription|documentation)|as a minor|underage drinking|evad(?:e|ing) (?:law enforcement|the police|customs|airport security)|obstruct(?:ion of)? justice|witness tampering|silenc(?:e|ing) (?:a |the )?(?:witness|whistleblowers?)|insurance fraud|credit card fraud|wire fraud|tax fraud|fencing stolen|rolling coal|cheat(?:ing)? on (?:a |an |my |the )?(?:exam|test|taxes)|plagiari[sz]e|cheat(?:s|ing)? (?:on|in) (?:[a-z]+ ){0,2}(?:exams?|tests?|taxes|quizz?(?:es)?)|crimes?|criminal activit(?:y|ies)|falsif(?:y|ies|ying|ied)|pirat(?:e|es|ing) (?:[a-z]+ )?(?:software|movies|content|games|music|films|books)|(?:illegally )?download(?:ing)? copyrighted|escap(?:e|ing) from (?:[a-z]+ ){0,2}(?:prison|jail|custody|correctional facility|police)|manipulat(?:e|es|ing) (?:[a-z]+ ){0,2}(?:markets?|stock prices?|prices)|market manipulation|exploit(?:s|ing|ation)? (?:of )?(?:the )?(?:vulnerable|elderly|poor|desperate|undocumented) (?:people|individuals|populations|users|victims|workers)|target(?:s|ing)? vulnerable (?:individuals|populations|people|users)|sell(?:s|ing)? (?:[a-z]+ ){0,2}(?:weapons|explosives|guns|firearms|organs)|avoid paying taxes|drug use|ivory|rhino horns?|endangered species|pangolins?|bushmeat|torrents?|pirate bay|controlled (?:[a-z]+ )?(?:supplies|substances|precursors|chemicals)|(?:prevent|stop|keep)(?:s|ing)? (?:[a-z']+ ){0,4}from (?:talking|reporting|testifying|speaking|going) to (?:the )?(?:police|law enforcement|authorities|cops)|(?:fool|beat|cheat|trick|defeat) (?:a |the )?(?:breathalyzer|drug test|polygraph|lie detector)(?: test)?",
    { illegal: 1.8 },
  ),
  inherent(
    "illegal.weapons-access",
    "(?:buy|get|obtain|acquir(?:e|ing)|purchas(?:e|ing)|sell(?:ing)?|carry(?:ing)?|smuggl(?:e|ing)) (?:[a-z'-]+ ){0,3}(?:guns?|firearms?|handguns?|weapons?|rifles?|ammunition|ammo|explosives?)(?= (?:illegally|without|as a minor|underage|on the dark web|untraceabl|from the black market|past))",
    { illegal: 3, violence: 1.5 },
  ),
  inherent(
    "disruption.malware",
    "malware|ransomware|computer virus(?:es)?|virus(?:es)? that (?:can )?(?:infect|spread|destroy|damage|disable|encrypt|steal)|(?:creat(?:e|es|ing)|writ(?:e|es|ing)|develop(?:s|ing)?|cod(?:e|es|ing)|build(?:s|ing)?|design(?:s|ing)?|mak(?:e|es|ing)|releas(?:e|es|ing)|spread(?:s|ing)?|distribut(?:e|es|ing)|deploy(?:s|ing)?) (?:[a-z']+ ){0,3}(?:virus(?:es)?|worms?|trojans?)|social engineering(?: attacks?| tactics| schemes?)?|csrf|cross-site request forgery|clickjacking|session hijacking|man-in-the-middle|mitm attacks?|arp spoofing|dns spoofing|(?:computer|network) worms?|trojan(?: horse)?s?|rootkits?|keyloggers?|spyware|stalkerware|botnets?|logic bombs?|cryptojack(?:ing)?|mine cryptocurrenc(?:y|ies) (?:on|using|with) (?:other|someone|victims|users|a user)|reverse shell|backdoor|command and control server|zero[- ]day (?:exploits?|vulnerabilit(?:y|ies))|exploit kits?|payloads?|shellcode|(?:exfiltrat|obfuscat)(?:e|es|ing) (?:[a-z']+ ){0,3}(?:data|passwords?|payloads?|malware|code|files)|(?:encrypt|delete|wipe)s? (?:all )?(?:the )?files on|corrupt(?:s|ing)? (?:the |a )?(?:hard drive|files|data|system|bios|firmware|boot)|evad(?:e|ing) (?:antivirus|anti-virus|detection|edr|modern wafs?|wafs?)",
    { disruption: 3.2, illegal: 2.2 },
  ),
  inherent(
    "disruption.attack",
    "ddos(?: attacks?)?|dos attacks?|denial[- ]of[- ]service|syn flood|dns amplification|http flood|(?:sql|sqli|command|code|ldap|xpath) injection|sqli|cross[- ]site scripting|xss (?:attack|payload)|brute[- ]forc(?:e|ing) (?:[a-z']+ ){0,3}(?:passwords?|logins?|accounts?)|crack(?:ing)? (?:[a-z']+ ){0,3}passwords?|password hashes|rainbow tables?|credential stuffing|defac(?:e|ing) (?:a |the )?(?:[a-z]+ )?websites?|cyber ?attacks?|(?:exploit(?:s|ing)?|using) (?:[a-z'-]+ ){0,6}(?:vulnerabilit(?:y|ies)|exploits?|bugs?|flaws?|cve-[0-9-]+)|vulnerabilit(?:y|ies) (?:in|on) (?:[a-z'-]+ ){0,4}(?:and|to) (?:exploit|attack|gain|steal)|hack(?:s|ed|ing)? into|(?:unauthori[sz]ed|illegal) access|gain(?:ing)? access to (?:[a-z'-]+ ){0,4}(?:accounts?|systems?|networks?|databases?|computers?|servers?|emails?|phones?|webcams?|cameras?)|(?:bypass(?:es|ing)?|circumvent(?:s|ing)?) (?:[a-z'-]+ ){0,3}(?:security(?: measures| controls| systems?)?|digital rights management|wafs?|authentication|2fa|two-factor|captchas?|firewalls?|antivirus|paywalls?|drm|licen[cs]e checks?|input validation|content filters?|geofencing)|disable (?:[a-z'-]+ ){0,3}(?:geofencing|antivirus|firewall|security software)",
    { disruption: 2.9, illegal: 2.6 },
  ),
  act(
    "disruption.hack",
    "hack(?:s|ed|ing)?|hijack(?:s|ed|ing)?|compromis(?:e|es|ed|ing)|infect(?:s|ed|ing)?|take over|crash(?:es|ed|ing)?|jam(?:s|med|ming)?|spoof(?:s|ed|ing)?",
    { disruption: 1.6, illegal: 1.6 },
    [
      {
        targets: ["property", "private", "human", "venue", "named", "system"],
        weights: { disruption: 1.2, illegal: 1.4 },
      },
    ],
    {
      unless:
        /^ (?:[a-z']+ ){0,2}(?:together|productivity|life|sleep|routine|workflow|my way|a solution)\b|^athon/,
    },
  ),
  inherent(
    "disruption.abuse",
    "fake (?:[a-z]+ ){0,2}login pages?|spoofed (?:websites?|emails?|login pages?)|phishing(?: emails?| pages?| sites?| kits?| campaigns?| scams?| links?| messages?| texts?)?|spam(?:ming)?(?: emails?| bots?| messages| campaigns?| calls)?|bot (?:accounts|farms?|army|armies|flood(?:ing)?)|(?:fake|sock ?puppet|burner) (?:accounts|social media accounts|followers|profiles|reviews|likes|engagement)|(?:multiple|many|thousands of|hundreds of|mass) (?:[a-z]+ )?accounts|astroturf(?:ing)?|(?:flood|bombard|spam)(?:s|ing)? (?:[a-z']+ ){0,3}(?:with|inbox|comments|reviews)|scrap(?:e|es|ing) (?:[a-z'-]+ ){0,3}(?:email addresses|emails|personal data|profiles|posts|videos|phone numbers)|(?:swatting|swat (?:someone|him|her|them))|incit(?:e|es|ing) (?:a )?(?:riots?|violence|insurrection|uprising|chaos|panic|unrest)|disrupt(?:s|ing)? (?:[a-z']+ ){0,3}(?:transportation|transport|traffic|power|infrastructure|supply chains?|public order|elections?|emergency services|operations)|caus(?:e|es|ing) (?:[a-z]+ ){0,2}(?:chaos|panic|disruptions?|delays|accidents|a crash|crashes|a recession|economic instability)|interfer(?:e|es|ing) with (?:[a-z']+ ){0,4}(?:operation|transportation|railway|airport|traffic|power|elections?|infrastructure)|inflammatory (?:comments|posts|content|messages)|recruit(?:s|ing)? (?:[a-z']+ ){0,3}(?:for|into|to join) (?:isis|al-qaeda|a terrorist|a militia|jihad|extremis)|extremist (?:propaganda|recruitment|mobili[sz]ation|manifesto)|manipulat(?:e|es|ing) (?:[a-z']+ ){0,3}(?:algorithms?|search (?:engine )?results|trending)|(?:cyber ?)?bull(?:y|ies|ying) (?:bots?|apps?|campaigns?)",
    { disruption: 2.8, illegal: 1.2 },
  ),
  topic(
    "deception.topic",
    "fake news|misinformation|disinformation|malinformation|propaganda|conspiracy theor(?:y|ies)|hoax(?:es)?|false (?:information|claims?|accusations?|rumou?rs?|stories|story|statements?|statistics|evidence|reviews?)|fabricated (?:evidence|quotes?|stories|story|statistics|facts|news)|defam(?:e|es|ing|atory|ation)|slander(?:ous)?|libel(?:ous)?|deep ?fakes?|fake (?:story|stories|article|articles|reviews?|evidence|testimonials?|quotes?|recordings?|videos?|photos?|images?|charity|charities|news sources?|websites?|online stores?|experts?|doctors?|identit(?:y|ies))|mislead(?:s|ing)?|misleads|deceiv(?:e|es|ing)|deceptive|impersonat(?:e|es|ing|ion)|pos(?:e|es|ing) as (?:a |an )?(?:[a-z]+ )?(?:doctor|expert|official|police|bank|irs|agent|representative|nurse|journalist|news)|pretend(?:ing)? to be (?:a |an )?(?:[a-z]+ )?(?:doctor|expert|official|police|bank|irs|agent|representative|nurse|journalist|customer)|clickbait|rig(?:ging)? (?:an |the )?elections?|voter (?:fraud|suppression|intimidation)|election (?:fraud|interference)|(?:vaccines?|5g|chemtrails) (?:causes?|cause) |flat earth|miracle cure|cures? (?:cancer|covid|autism|diabetes|hiv) (?:with|using|by)|health misinformation|false information|spread(?:s|ing)? (?:lies|rumou?rs|false)|manipulat(?:e|es|ing) (?:public opinion|voters|the election|elections|people|financial data|data|search|markets?)|psychologically manipulat|gaslight(?:s|ing)?|false accusations?|make up (?:lies|a story|evidence)|pump and dump|fake (?:grassroots|ads?)|review (?:[a-z']+ ){0,5}(?:not|never) (?:even )?(?:used|tried|tested)|cheat(?:ing)? on (?:[a-z]+ ){0,2}(?:partner|spouse|wife|husband|significant other|girlfriend|boyfriend)|trick(?:s|ing)? (?:[a-z']+ ){0,3}into (?:divulging|revealing|giving|sharing|handing|sending|clicking)",
    { deception: 1.9 },
  ),
  topic(
    "deception.claim",
    "(?:article|post|essay|letter|blog post|tweet|message|email|text) (?:arguing|claiming|suggesting|implying|alleging|proving) that|(?:arguing|claiming|suggesting|alleging) that (?:[a-z'-]+ ){0,8}(?:was|were|is|are|has|have) (?:solely|secretly|actually|really|never|not|falsely|intentionally|deliberately|a hoax|fake|staged|beneficial|better|good for you|safe)|(?:persuad|convinc)(?:e|es|ing) (?:[a-z]+ ){0,3}that|(?:modify|edit|rewrite|change|tweak)(?:s|ing)? (?:[a-z]+ ){0,3}(?:text|article|post|passage|paragraph|page) to (?:suggest|imply|claim|make it seem|persuade|argue)|posing as an expert|secretly (?:joined|planned|funded|controlled|biased|running)|(?:is|are|was|were) (?:secretly|intentionally) |(?:greatly|grossly) exaggerated|politically motivated hoax|(?:are|is) good for you|(?:does|do) not cause (?:cancer|disease|harm)|was (?:[a-z]+ ){0,2}(?:involved in|complicit in|responsible for|behind) the|(?:secretly|deliberately|intentionally) (?:[a-z]+ )?(?:planned|caused|prolonged|created|released|engineered|rigged|covered up)|rather than (?:a )?(?:result|consequence) of|was primarily a|lab(?:oratory)? leak|stuffing ballot boxes|stolen election|rigged election|cover[- ]?up|false flag|crisis actors|chemtrails|microchips? in (?:the )?vaccines?|depopulation|plandemic|great replacement|vaccines? (?:can )?(?:lead|leads|cause|causes) (?:to )?(?:[a-z]+ ){0,3}(?:death|autism|infertility|side effects|cancer)|(?:far )?more likely to be (?:terrorists|criminals)|(?:hardly|barely) pay any taxes|(?:led|leads) to an increase in (?:voter fraud|crime)|linking (?:[a-z]+ ){0,4}to (?:increased )?crime|positive impact on|(?:were|was) (?:a )?(?:democratic and peaceful|justified|beneficial)|(?:reply|response|comment|post|article|message|argument) (?:saying|stating|claiming|arguing|suggesting|implying|alleging) that|was paid to|(?:was|were) rigged|(?:were|was) (?:truly |really |secretly )?behind|(?:make|making) it (?:seem|look|appear) (?:like|that)|(?:intentionally|deliberately) (?:[a-z]+ )?(?:leaked|released|created|spread)|actively lied",
    { deception: 1.4 },
  ),
  inherent(
    "deception.credential-lure",
    "(?:convinc|persuad|trick|manipulat|pressur|get)(?:e|es|ing|s)? (?:[a-z']+ ){0,3}(?:to|into) (?:share|sharing|reveal|revealing|give|giving|send|sending|hand(?:ing)? over|disclos(?:e|ing)|click(?:ing)? on|download(?:ing)?|enter(?:ing)?)(?: [a-z']+){0,3} (?:social security|ssn|passwords?|credentials|bank(?:ing)?|credit card|pin|login|personal information|account|link|attachment|malware)",
    { deception: 2.8, privacy: 2.6, illegal: 2 },
  ),
];

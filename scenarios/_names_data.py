"""Name pools per origin region, as data.

Format of every pool: entries separated by commas (newlines are ignored); within an entry the Latin
spellings met in police records are separated by ``/`` (the first is the reference spelling) and the
original-script form, where a region has one, follows ``=``. Order is by frequency: the first entries
are drawn most often, so common names recur as they do in real files.

Sources (public; names picked from them, spellings per the romanisation systems named):
- Most common surnames by country: Wikipedia, "Lists of most common surnames" (Africa, Asia, Europe
  pages) and World Population Review via Pulse (2024-12-13), "These are the most common surnames in
  every African country" (Ibrahim/Musa for Nigeria, Diallo, Ndiaye, Traore, Alaoui, Saidi, Trabelsi,
  Tesfaye, Ali...).
- Given names: national statistics offices' most frequent names lists (INE Spain "Nombres y apellidos
  más frecuentes", ISTAT Italy, INSEE France, Destatis / GfdS Germany, CBS Netherlands, NSO Malta,
  INS Romania, ELSTAT Greece) and Wikipedia "Arabic name", "Habesha name", "Vietnamese name",
  "Yoruba name", "Igbo name", "Albanian name".
- Transliteration variants: Wikipedia "Romanization of Arabic", "Romanization of Ukrainian" (national
  system of 2010 vs. Russian-style spellings), "Romanization of Russian", "Romanization of Greek"
  (ELOT 743 vs. common forms), "Vietnamese alphabet" (diacritics dropped).
"""

from __future__ import annotations

# --- Nigeria (Edo, Yoruba, Igbo, Hausa names; Benin City is the main recruitment area) -------------
NIGERIAN_GIVEN_F = """Blessing, Joy, Favour/Favor, Precious, Faith, Gift, Mercy, Esther, Happiness, Osasere/Osas,
Efe, Grace, Peace, Success, Glory, Loveth/Lovet, Princess, Vivian, Stella, Ese, Omoye, Itohan, Osaretin,
Chioma, Ngozi, Aisha/Aishat"""
NIGERIAN_GIVEN_M = """Osaro, Osagie, Emeka, Chinedu, Ikechukwu, Oluwaseun/Seun, Babatunde/Tunde, Godwin, Friday,
Sunday, Samuel, Daniel, Ehimen/Ehis, Kingsley, Collins, Lucky, Emmanuel/Emanuel, Uyiosa/Uyi, Aliyu, Musa,
Ibrahim"""
NIGERIAN_FAMILY = """Ibrahim, Musa, Okafor, Osagie, Omoregie/Omoreggie, Igbinovia/Igbinnovia, Okonkwo, Eze,
Adeyemi, Ogunleye, Osaghae, Aigbe, Edobor, Ehigiator, Uwaifo, Obaseki, Idahosa, Bello, Abubakar, Okoro,
Nwosu, Balogun, Osayande, Iyamu, Ogbebor, Eghosa"""

# --- Senegal, Mali, Guinea, Côte d'Ivoire (French and English spellings differ) --------------------
SAHEL_GIVEN_M = """Mamadou/Mamadu, Moussa/Musa, Ibrahima/Ibrahim, Ousmane/Usman/Ousman, Abdoulaye/Abdulaye,
Amadou/Amadu, Seydou/Seidu, Souleymane/Suleiman/Souleimane, Aliou/Aliu, Cheikh/Sheikh, Modou/Modu,
Lamine/Lamin, Boubacar/Bubacar, Sékou/Sekou"""
SAHEL_GIVEN_F = """Fatou/Fatu, Aminata, Mariama/Mariam, Awa, Kadiatou/Kadiatu, Aïssatou/Aissatou/Aisatu,
Fatoumata/Fatumata, Oumou/Umu, Binta, Ramata, Hawa"""
SAHEL_FAMILY = """Diallo/Jallow, Ndiaye/N'Diaye, Traoré/Traore, Diop, Coulibaly/Kulibali, Keïta/Keita,
Camara/Kamara, Sow, Ba/Bah, Fall, Sylla/Silla, Cissé/Cisse/Sisse, Touré/Toure, Konaté/Konate, Sanogo,
Barry/Bari, Koné/Kone, Sarr, Gueye, Faye, Bamba"""

# --- Eritrea, Ethiopia (patronymic naming: the "surname" is the father's given name) ----------------
HORN_GIVEN_M = """Tesfay/Tesfaye, Yonas, Dawit/Daweet, Berhane/Berhan, Mehari/Mehary, Habtom, Tekle/Teckle,
Mulugeta, Filmon/Philimon, Kidane/Kedane, Amanuel/Emanuel/Emmanuel, Yemane/Yemanie, Goitom/Goytom,
Efrem/Ephrem, Haile/Hayle, Tsegay/Tsegai/Tsegaye, Abraham/Abrham, Mikael/Michael, Solomon/Salomon, Robel,
Biniam/Biniyam/Binyam, Natnael/Natanael"""
HORN_GIVEN_F = """Helen/Hellen, Selam/Salam, Senait/Senayt, Hiwet, Yordanos/Jordanos, Saba, Lidia/Lydia, Ruta,
Feven/Fiven, Tsega, Luwam/Lwam, Mebrat/Mebrhat, Eden, Semhar, Winta, Rahel/Rachel, Mehret/Mihret, Almaz"""
HORN_FAMILY = """Tesfaye/Tesfay, Ali, Tesfamariam/Tesfamaryam/Tesfa Mariam, Gebremedhin/Ghebremedhin/Gebre Medhin,
Haile/Hayle, Tekle, Weldemichael/Woldemichael/Weldemikael, Gebreyesus/Ghebreyesus, Kidane, Abraha/Abreha,
Berhe, Habte, Tewelde/Teuelde, Ghebrehiwet/Gebrehiwet, Negash, Idris/Edris, Mengistu, Osman/Usman"""

# --- Syria, Iraq, Egypt, Libya, Sudan (Arabic; Levantine/Iraqi romanisations) -----------------------
ARABIC_GIVEN_M = """Mohamed/Muhammad/Mohammed/Mohammad=محمد, Ahmed/Ahmad=أحمد, Ali=علي,
Youssef/Yusuf/Yousef/Youssif=يوسف, Omar/Umar=عمر, Hussein/Hussain/Husayn=حسين, Khaled/Khalid=خالد,
Abdullah/Abdallah/Abdulla=عبد الله, Mahmoud/Mahmud=محمود, Mustafa/Mostafa/Moustafa=مصطفى,
Ibrahim/Ebrahim=إبراهيم, Hassan/Hasan=حسن, Karim/Kareem=كريم, Tariq/Tarek/Tareq=طارق, Said/Saeed/Sayed=سعيد,
Ammar/Amar=عمار, Bilal/Belal=بلال, Hamza/Hamzah=حمزة, Firas/Feras=فراس, Jamal/Gamal=جمال"""
ARABIC_GIVEN_F = """Fatima/Fatma/Fatimah=فاطمة, Aisha/Aicha/Ayesha=عائشة, Mariam/Maryam/Meriem=مريم,
Nour/Noor/Nur=نور, Zainab/Zeinab/Zaynab=زينب, Amina/Aminah=أمينة, Layla/Leila/Laila=ليلى, Rania/Raniya=رانيا,
Hala=هلا, Salma=سلمى, Huda/Houda/Hoda=هدى, Yasmin/Yasmine/Jasmin=ياسمين, Rasha=رشا, Doaa/Duaa=دعاء,
Aya/Ayah=آية, Sara/Sarah=سارة, Rahaf=رهف"""
ARABIC_FAMILY = """Ali=علي, Mohamed/Mohammed/Muhammad=محمد, Al-Ahmad/Al Ahmad/Alahmad=الأحمد,
Al-Hassan/Al Hassan/Alhasan=الحسن, Hussein/Hussain/Husein=حسين, Ibrahim/Ebrahim=إبراهيم, Al-Ali/Alali=العلي,
Hamdan=حمدان, Haddad=حداد, Khalil/Khaleel=خليل, Saleh/Salih=صالح, Darwish/Darwiche=درويش,
Al-Jubouri/Al-Juburi/Aljubouri=الجبوري, Al-Obaidi/Al-Ubaidi/Alobaidi=العبيدي, Al-Tamimi/Altamimi=التميمي,
Abbas=عباس, Mahmoud/Mahmud=محمود, Othman/Osman/Uthman=عثمان, Al-Khatib/Alkhatib/El Khatib=الخطيب,
Kurdi=كردي, Al-Shami/Alshami=الشامي, Al-Najjar/Najjar=النجار, El-Sayed/Elsayed/Al-Sayed=السيد,
Abdelrahman/Abdulrahman/Abdel Rahman=عبد الرحمن"""

# --- Morocco, Algeria, Tunisia (French-influenced romanisation) ------------------------------------
MAGHREB_GIVEN_M = """Mohamed/Mohammed/Mohamad/Mouhamed=محمد, Youssef/Youssouf/Yousef/Yusuf=يوسف,
Hamza/Hamsa=حمزة, Ayoub/Ayoube/Ayyoub=أيوب, Amine/Amin=أمين, Mehdi/Mahdi=مهدي, Rachid/Rashid/Rachide=رشيد,
Said/Saïd/Saeed=سعيد, Abdelkader/Abdulkader/Abdelkadir=عبد القادر, Karim/Kareem=كريم, Bilal/Belal=بلال,
Hicham/Hisham/Hichem=هشام, Nabil/Nabeel=نبيل, Soufiane/Sofiane/Sufyan=سفيان, Ismail/Smail/Ismael=إسماعيل,
Anas=أنس, Zakaria/Zakariya/Zakariae=زكرياء, Omar=عمر, Walid/Oualid=وليد, Khalid/Khaled=خالد"""
MAGHREB_GIVEN_F = """Fatima/Fatma/Fatema=فاطمة, Khadija/Khadidja/Khadeeja=خديجة, Salma=سلمى, Imane/Iman=إيمان,
Meryem/Maryam/Meriem=مريم, Nadia=نادية, Samira=سميرة, Sanaa/Sana=سناء, Hanane/Hanan=حنان, Hafsa=حفصة,
Houda/Huda=هدى, Naima/Naïma=نعيمة, Latifa=لطيفة, Zineb/Zaynab/Zeinab=زينب, Asmae/Asma=أسماء, Siham=سهام"""
MAGHREB_FAMILY = """Alaoui/El Alaoui=العلوي, Saidi/Essaidi/Es-Saidi=السعيدي, Trabelsi=الطرابلسي,
El Amrani/El-Amrani/Elamrani=العمراني, Benali/Ben Ali=بن علي, Bennani=بناني, El Idrissi/Idrissi/El-Idrissi=الإدريسي,
Tazi=التازي, Berrada=برادة, El Fassi/Fassi=الفاسي, Ouali=والي, Boukhari/Bukhari/El Boukhari=البخاري,
Cherkaoui/Charkaoui=الشرقاوي, Benjelloun/Ben Jelloun=بنجلون, Haddad=حداد, Belkacem/Belkasem/Belgacem=بلقاسم,
Mansouri/El Mansouri=المنصوري, Ziani=الزياني, Bouzid=بوزيد, Hamdi=حمدي, Zerouali=زروالي,
Benaissa/Ben Aissa=بنعيسى, Rahmouni=رحموني"""

# --- Afghanistan, Pakistan --------------------------------------------------------------------------
AFGHAN_GIVEN_M = """Mohammad/Mohammed/Muhammad/Mohamad, Ahmad/Ahmed, Ali, Abdul Rahman/Abdulrahman/Abdurrahman,
Hamid/Hameed, Jawad/Javad, Karim/Kareem, Mustafa/Mostafa, Naveed/Navid, Rahim/Raheem, Sayed/Said/Sayyid,
Shafiq/Shafeeq, Wahid/Waheed, Zabihullah/Zabiullah/Zabihollah, Hekmatullah/Hikmatullah,
Najibullah/Najib Ullah, Farid/Fareed, Imran/Emran, Bilal, Usman/Osman/Uthman, Hassan/Hasan"""
AFGHAN_GIVEN_F = """Fatima/Fatema, Maryam/Mariam, Zahra/Zohra, Parisa, Shabnam, Fereshta/Fereshteh/Freshta, Mina,
Nargis/Narges, Marzia/Marziya, Sadia/Saadia, Ayesha/Aisha, Sakina/Sakineh, Farzana, Hina"""
AFGHAN_FAMILY = """Khan, Ahmadi, Mohammadi/Muhammadi, Rahimi/Raheemi, Hakimi, Karimi, Noori/Nuri/Nouri,
Hussain/Hussein/Husain, Sadat, Haidari/Haydari/Heidari, Hussaini/Hosseini/Husaini, Amiri, Popal,
Stanekzai/Stanikzai, Safi, Wardak, Hotak/Hotaki, Jalali, Azizi, Samadi, Qaderi/Qadiri/Ghaderi,
Rasuli/Rasooli, Ali, Malik, Iqbal/Ikbal, Butt, Raza, Akhtar/Akhter, Shah, Mirza"""

# --- Bangladesh ("Md." is the common written abbreviation of Mohammad) ------------------------------
BENGALI_GIVEN_M = """Mohammad/Md./Mohammed/Muhammad, Abdul, Rafiqul/Rafiq, Shakil/Shakeel, Jahid/Zahid,
Sumon/Shumon, Rubel, Kamal, Jamal, Habib, Sohel/Sohail, Masud/Masood, Rashed/Rashid, Alamgir,
Monirul/Monir, Shahidul, Anwar/Anowar"""
BENGALI_GIVEN_F = """Nasrin, Shirin, Fatema/Fatima, Rina, Mousumi/Moushumi, Sultana, Shapla, Rokeya,
Jesmin/Jasmin, Taslima"""
BENGALI_FAMILY = """Rahman, Hossain/Hossen/Hussain, Islam, Uddin, Akter/Akhter/Akhtar, Miah/Mia,
Khatun/Khatoon, Chowdhury/Choudhury/Chowdhuri, Sarkar/Sarker, Ahmed, Alam, Haque/Hoque/Huq, Begum,
Sheikh/Shaikh, Molla/Mollah, Biswas, Talukder/Talukdar, Bhuiyan/Bhuyan, Karim, Das"""

# --- Vietnam (family name first; the middle name Văn/Thị is usual; diacritics often dropped) -------
VIETNAMESE_GIVEN_M = """Hùng/Hung, Dũng/Dung, Minh, Tuấn/Tuan, Long, Thành/Thanh, Hoàng/Hoang, Quang, Nam,
Đức/Duc, Hải/Hai, Sơn/Son, Phúc/Phuc, Khánh/Khanh, Việt/Viet"""
VIETNAMESE_GIVEN_F = """Lan, Hương/Huong, Mai, Hoa, Linh, Trang, Hằng/Hang, Thảo/Thao, Ngọc/Ngoc,
Phương/Phuong, Nhung, Thủy/Thuy, Yến/Yen, Anh"""
VIETNAMESE_MIDDLE_M = """Văn/Van, Đức/Duc, Minh, Quốc/Quoc, Hữu/Huu"""
VIETNAMESE_MIDDLE_F = """Thị/Thi, Ngọc/Ngoc, Thu, Thanh, Kim"""
VIETNAMESE_FAMILY = """Nguyễn/Nguyen, Trần/Tran, Lê/Le, Phạm/Pham, Hoàng/Hoang, Huỳnh/Huynh, Phan, Vũ/Vu,
Võ/Vo, Đặng/Dang, Bùi/Bui, Đỗ/Do, Hồ/Ho, Ngô/Ngo, Dương/Duong, Lý/Ly"""

# --- China (Fujian and Zhejiang are the main origin areas in European cases) ------------------------
CHINESE_GIVEN_M = """Wei, Jun, Lei, Qiang, Jian, Yong, Jie, Tao, Ming, Chao, Hao, Xiaoming/Xiao Ming/Xiao-Ming,
Jianguo/Jian Guo, Zhiwei/Zhi Wei"""
CHINESE_GIVEN_F = """Fang, Na, Min, Jing, Li, Yan, Ying, Hong, Mei, Juan, Xiuying/Xiu Ying, Guiying/Gui Ying,
Yumei/Yu Mei, Lina/Li Na"""
CHINESE_FAMILY = """Wang, Li, Zhang, Liu, Chen, Lin, Yang, Huang, Zheng/Cheng, Zhao, Wu, Zhou/Chou, Xu/Hsu, Sun,
Ma, Zhu, Hu, Ye"""

# --- Albania -----------------------------------------------------------------------------------------
ALBANIAN_GIVEN_M = """Arben, Artan, Besnik, Ilir, Gentian/Genti, Dritan, Fatmir, Erion, Klodian, Altin, Elton,
Arjan, Ervin, Agron, Bledar, Ardit, Endrit, Kristian, Sokol, Mentor"""
ALBANIAN_GIVEN_F = """Elona, Anila, Blerta, Ermira, Mirela, Jonida, Klea, Entela, Arta, Eriola, Rezarta,
Xhesika/Jessica, Ornela, Brunilda, Elisa, Marsela"""
ALBANIAN_FAMILY = """Hoxha/Hodza, Shehu, Gjoka, Leka, Krasniqi/Krasnici, Berisha, Kola, Çela/Cela,
Dervishi/Dervishaj, Marku, Prifti, Hysa, Gashi, Meta, Basha, Zeneli, Shala, Lleshi, Muça/Muca/Mucha, Tafa,
Kelmendi, Duka, Hasani, Rama, Bajrami"""

# --- Ukraine, Russia (Cyrillic; Ukrainian national romanisation first, Russian-style after) ---------
SLAVIC_GIVEN_M = """Oleksandr/Oleksander/Aleksandr/Alexander=Олександр, Andrii/Andriy/Andrey=Андрій,
Serhii/Serhiy/Sergii/Sergey=Сергій, Dmytro/Dmitro/Dmitry=Дмитро, Volodymyr/Volodimir/Vladimir=Володимир,
Mykola/Mikola/Nikolai=Микола, Yurii/Yuriy/Yuri/Iurii=Юрій, Ivan=Іван, Vasyl/Vasil/Vasiliy=Василь,
Oleh/Oleg=Олег, Ihor/Igor=Ігор, Maksym/Maxim/Maksim=Максим, Viktor/Victor=Віктор, Bohdan/Bogdan=Богдан,
Roman=Роман"""
SLAVIC_GIVEN_F = """Olena/Elena/Yelena=Олена, Nataliia/Nataliya/Natalia=Наталія, Iryna/Irina=Ірина,
Tetiana/Tetyana/Tatiana=Тетяна, Yuliia/Yulia/Julia=Юлія, Oksana=Оксана, Svitlana/Svetlana=Світлана,
Anastasiia/Anastasia=Анастасія, Kateryna/Katerina/Ekaterina=Катерина, Mariia/Maria=Марія,
Viktoriia/Viktoriya/Victoria=Вікторія, Alina=Аліна, Dariia/Daria/Darya=Дарія, Hanna/Ganna/Anna=Ганна"""
SLAVIC_MIDDLE_M = """Oleksandrovych/Aleksandrovich=Олександрович, Mykolaiovych/Nikolaevich=Миколайович,
Ivanovych/Ivanovich=Іванович, Serhiiovych/Sergeevich=Сергійович, Petrovych/Petrovich=Петрович,
Volodymyrovych/Vladimirovich=Володимирович, Vasylovych/Vasilievich=Васильович,
Viktorovych/Viktorovich=Вікторович"""
SLAVIC_MIDDLE_F = """Oleksandrivna/Aleksandrovna=Олександрівна, Mykolaivna/Nikolaevna=Миколаївна,
Ivanivna/Ivanovna=Іванівна, Serhiivna/Sergeevna=Сергіївна, Petrivna/Petrovna=Петрівна,
Volodymyrivna/Vladimirovna=Володимирівна, Vasylivna/Vasilievna=Василівна, Viktorivna/Viktorovna=Вікторівна"""
SLAVIC_FAMILY = """Melnyk/Melnik=Мельник, Shevchenko=Шевченко, Kovalenko=Коваленко, Bondarenko=Бондаренко,
Tkachenko=Ткаченко, Boiko/Boyko=Бойко, Kravchenko=Кравченко, Kovalchuk/Kovalczuk=Ковальчук,
Oliinyk/Oliynyk/Oleinik=Олійник, Shevchuk=Шевчук, Polishchuk/Polischuk=Поліщук, Lysenko/Lisenko=Лисенко,
Moroz=Мороз, Marchenko=Марченко, Rudenko=Руденко, Savchenko=Савченко, Petrenko=Петренко,
Klymenko/Klimenko=Клименко, Ivanov=Иванов, Smirnov=Смирнов, Kuznetsov/Kuznetzov=Кузнецов, Popov=Попов,
Sokolov=Соколов, Volkov=Волков, Petrov=Петров, Morozov=Морозов"""

# --- Greece (ELOT 743 first, common spellings after; feminine surnames aligned with masculine) ------
GREEK_GIVEN_M = """Georgios/Giorgos/Yiorgos=Γεώργιος, Dimitrios/Dimitris=Δημήτριος,
Konstantinos/Kostas/Constantinos=Κωνσταντίνος, Ioannis/Giannis/Yannis=Ιωάννης, Nikolaos/Nikos=Νικόλαος,
Panagiotis/Panayiotis=Παναγιώτης, Vasileios/Vasilis/Vassilios=Βασίλειος, Christos/Hristos=Χρήστος,
Athanasios/Thanasis=Αθανάσιος, Michail/Michalis=Μιχαήλ, Evangelos/Vangelis=Ευάγγελος, Spyridon/Spyros=Σπυρίδων"""
GREEK_GIVEN_F = """Maria=Μαρία, Eleni/Helen=Ελένη, Aikaterini/Ekaterini/Katerina=Αικατερίνη, Vasiliki=Βασιλική,
Sofia/Sophia=Σοφία, Anastasia=Αναστασία, Georgia=Γεωργία, Dimitra=Δήμητρα, Evangelia=Ευαγγελία,
Christina/Hristina=Χριστίνα"""
GREEK_FAMILY = """Papadopoulos=Παπαδόπουλος, Papadakis=Παπαδάκης, Georgiou=Γεωργίου,
Oikonomou/Economou=Οικονόμου, Nikolaidis/Nikolaides=Νικολαΐδης, Vlachos=Βλάχος, Antoniou=Αντωνίου,
Papanikolaou=Παπανικολάου, Makris=Μακρής, Dimitriou=Δημητρίου, Ioannou=Ιωάννου,
Konstantinidis/Constantinidis=Κωνσταντινίδης, Pappas=Παππάς, Angelopoulos/Aggelopoulos=Αγγελόπουλος"""
GREEK_FAMILY_F = """Papadopoulou=Παπαδοπούλου, Papadaki=Παπαδάκη, Georgiou=Γεωργίου,
Oikonomou/Economou=Οικονόμου, Nikolaidou=Νικολαΐδου, Vlachou=Βλάχου, Antoniou=Αντωνίου,
Papanikolaou=Παπανικολάου, Makri=Μακρή, Dimitriou=Δημητρίου, Ioannou=Ιωάννου,
Konstantinidou/Constantinidou=Κωνσταντινίδου, Pappa=Παππά, Angelopoulou/Aggelopoulou=Αγγελοπούλου"""

# --- Turkey ------------------------------------------------------------------------------------------
TURKISH_GIVEN_M = """Mehmet/Mehmed, Mustafa, Ahmet/Ahmed, Ali, Hüseyin/Huseyin/Hussein, Hasan, İbrahim/Ibrahim,
İsmail/Ismail, Osman, Yusuf, Murat, Ömer/Omer, Ramazan, Halil, Süleyman/Suleyman, Emre, Burak"""
TURKISH_GIVEN_F = """Fatma, Ayşe/Ayse, Emine, Hatice, Zeynep, Elif, Meryem, Şerife/Serife, Zehra, Sultan,
Hanife, Merve"""
TURKISH_FAMILY = """Yılmaz/Yilmaz, Kaya, Demir, Şahin/Sahin, Çelik/Celik, Yıldız/Yildiz, Yıldırım/Yildirim,
Öztürk/Ozturk, Aydın/Aydin, Özdemir/Ozdemir, Arslan, Doğan/Dogan, Kılıç/Kilic, Aslan, Çetin/Cetin, Kara,
Koç/Koc, Kurt, Özkan/Ozkan, Şimşek/Simsek"""

# --- Romania -----------------------------------------------------------------------------------------
ROMANIAN_GIVEN_M = """Ion, Gheorghe, Vasile, Constantin, Mihai, Marian, Florin, Adrian, Ionuț/Ionut, Alexandru,
Andrei, Nicolae, Cristian, Daniel, Ștefan/Stefan, Gabriel, Cătălin/Catalin, Costel, Sorin"""
ROMANIAN_GIVEN_F = """Maria, Elena, Ioana, Andreea, Mihaela, Alexandra, Ana, Florentina, Georgiana, Roxana,
Cristina, Nicoleta, Denisa, Bianca, Alina, Daniela"""
ROMANIAN_FAMILY = """Popa, Popescu, Pop, Radu, Ionescu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu,
Constantin, Munteanu, Rusu, Lungu, Mihai, Dinu, Moldovan, Ștefan/Stefan, Florea, Lazăr/Lazar, Marin, Tudor,
Dobre, Barbu, Nistor, Ene, Căldăraru/Caldararu, Stănescu/Stanescu, Vasile"""

# --- Spain (two surnames) ----------------------------------------------------------------------------
SPANISH_GIVEN_M = """José/Jose, Antonio, Manuel, Francisco, David, Juan, Javier, Daniel, Carlos, Jesús/Jesus,
Alejandro, Miguel, Rafael, Pablo, Sergio, Fernando, Jorge, Luis, Alberto, Ángel/Angel"""
SPANISH_GIVEN_F = """María/Maria, Carmen, Ana, Laura, Isabel, Lucía/Lucia, Cristina, Marta, Pilar, Dolores, Elena,
Rosa, Raquel, Sara, Paula, Beatriz, Nuria, Silvia"""
SPANISH_FAMILY = """García/Garcia, Rodríguez/Rodriguez, González/Gonzalez, Fernández/Fernandez, López/Lopez,
Martínez/Martinez, Sánchez/Sanchez, Pérez/Perez, Gómez/Gomez, Martín/Martin, Jiménez/Jimenez, Ruiz,
Hernández/Hernandez, Díaz/Diaz, Moreno, Muñoz/Munoz, Álvarez/Alvarez, Romero, Navarro, Torres,
Domínguez/Dominguez, Vázquez/Vazquez, Ramos, Gil, Serrano, Blanco, Molina, Núñez/Nunez, Peña/Pena,
Castaño/Castano, Suárez/Suarez, Ortega, Delgado, Castro, Ortiz, Rubio, Sanz, Iglesias"""

# --- Italy -------------------------------------------------------------------------------------------
ITALIAN_GIVEN_M = """Giuseppe, Giovanni, Antonio, Mario, Luigi, Francesco, Salvatore, Marco, Andrea, Alessandro,
Roberto, Vincenzo, Pietro, Angelo, Paolo, Luca"""
ITALIAN_GIVEN_F = """Maria, Anna, Giuseppina, Rosa, Francesca, Giulia, Chiara, Angela, Giovanna, Teresa, Lucia,
Carmela, Sara"""
ITALIAN_FAMILY = """Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo,
Conti, De Luca/Deluca, Costa, Giordano, Mancini, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro,
Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone"""

# --- France ------------------------------------------------------------------------------------------
FRENCH_GIVEN_M = """Jean, Pierre, Michel, Philippe, Nicolas, Julien, Thomas, François/Francois, Alain, Patrick,
Christophe, Sébastien/Sebastien, Laurent, Stéphane/Stephane, David, Olivier, Éric/Eric"""
FRENCH_GIVEN_F = """Marie, Nathalie, Isabelle, Sylvie, Sophie, Camille, Catherine, Valérie/Valerie, Sandrine,
Céline/Celine, Christine, Julie, Aurélie/Aurelie"""
FRENCH_FAMILY = """Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent,
Lefebvre/Lefèbvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André/Andre,
Lefèvre/Lefevre, Mercier, Dupont, Lambert, Bonnet, Martinez"""

# --- Germany -----------------------------------------------------------------------------------------
GERMAN_GIVEN_M = """Thomas, Michael, Andreas, Stefan/Stephan, Peter, Markus/Marcus, Christian,
Jürgen/Juergen/Jurgen, Frank, Sven, Daniel, Matthias, Alexander, Tobias, Jan, Dennis"""
GERMAN_GIVEN_F = """Sabine, Petra, Claudia, Andrea, Monika, Julia, Susanne, Nicole, Stefanie, Katharina, Anna,
Sandra, Birgit"""
GERMAN_FAMILY = """Müller/Mueller/Muller, Schmidt, Schneider, Fischer, Weber, Meyer/Meier, Wagner, Becker, Schulz,
Hoffmann/Hofmann, Schäfer/Schaefer/Schafer, Koch, Bauer, Richter, Klein, Wolf, Schröder/Schroeder, Neumann,
Schwarz, Zimmermann, Braun, Krüger/Krueger, Hartmann, Lange, Werner, Schmitz, Krause, Lehmann,
Köhler/Koehler"""

# --- Netherlands (particles "de", "van den" written in several ways) --------------------------------
DUTCH_GIVEN_M = """Jan, Johannes/Johan, Pieter/Peter, Willem, Sander, Daan, Thijs, Bram, Joost, Kees, Dirk,
Hendrik/Henk, Gerrit, Ruben, Tim, Mark"""
DUTCH_GIVEN_F = """Anna, Emma, Sanne, Lotte, Maria, Johanna, Cornelia, Anouk, Fleur, Lisa, Iris, Eva, Femke"""
DUTCH_FAMILY = """de Jong/De Jong/Dejong, Jansen, de Vries/De Vries, van den Berg/Van den Berg/Vandenberg,
van Dijk/Van Dijk/van Dyk, Bakker, Janssen, Visser, Smit, Meijer/Meyer, de Boer/De Boer, Mulder,
de Groot/De Groot, Bos, Vos, Peters, Hendriks, van Leeuwen/Van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra,
Smits, de Graaf, van der Meer/Van der Meer, Kok, Jacobs, de Haan, Vermeulen"""

# --- Malta -------------------------------------------------------------------------------------------
MALTESE_GIVEN_M = """Joseph, John, Mario, Charles, Paul, Anthony, Carmel, Michael, Raymond, Emanuel"""
MALTESE_GIVEN_F = """Maria, Rita, Carmen, Doris, Josephine, Mary, Anna, Rose, Marthese, Claire"""
MALTESE_FAMILY = """Borg, Camilleri, Vella, Farrugia, Zammit, Galea, Micallef, Grech, Attard, Spiteri, Azzopardi,
Mifsud, Agius, Pace, Sammut, Cassar, Caruana, Fenech, Debono, Xuereb"""

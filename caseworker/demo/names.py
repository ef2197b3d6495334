"""Indonesian personal names for demo people, by generation, sex and background.

East Java mixes Javanese names (often one word for older people: Painem, Kasiman), Madurese names
(Sitti, Moh., Holil, Hosnan), Arabic-origin names in their many spellings (Muhammad/Mochammad/Moch./M.,
Achmad/Ahmad, Choirul/Khoirul) and, for children born after 2015, the modern long names (Muhammad Arkan
Al Fatih, Adiba Khanza Azzahra). Old-spelling names (Soewarni, Djoko) appear among the elderly.
"""

from __future__ import annotations

import random

# --- born before 1965: often one word, old spelling -----------------------------------------------------
OLD_MALE = (
    "Kasiman", "Tukiman", "Paiman", "Lasimin", "Sukardi", "Soekarno", "Djoko", "Sumarno", "Parto", "Karto",
    "Soeparman", "Samiun", "Kasdi", "Rasimin", "Sarmin", "Tjipto", "Soedjono", "Wagiman", "Sanusi", "Matrawi",
    "Bunali", "Marsuki", "Jumadi", "Sakri", "Misdi", "Ngatijo", "Dulkadir", "Abdul Kadir", "Mat Rais", "Ponidi",
)  # fmt: skip
OLD_FEMALE = (
    "Painem", "Tumini", "Sarinah", "Sukinah", "Kasini", "Soewarni", "Sumiati", "Poniyem", "Ngatemi", "Sulastri",
    "Tukinah", "Satiyah", "Marsinah", "Soedarmi", "Tasmirah", "Djuariyah", "Sitti Maryam", "Sapiyah", "Marwiyah",
    "Misnati", "Halimah", "Rukayah", "Juma'ati", "Suliyah", "Mbok Tinah", "Sumirah", "Kartini", "Rasminah",
)  # fmt: skip

# --- born 1965-2000: Javanese and Madurese first names, a second name or a father's name -----------------
MID_MALE_FIRST = (
    "Agus", "Budi", "Bambang", "Joko", "Slamet", "Sugeng", "Heru", "Eko", "Dwi", "Wahyu", "Hadi", "Teguh",
    "Bayu", "Rudi", "Yanto", "Wawan", "Ahmad", "Achmad", "Moh.", "Mochammad", "Muhammad", "M.", "Abdul",
    "Syaiful", "Saiful", "Choirul", "Khoirul", "Zainal", "Arif", "Imam", "Holil", "Hosnan", "Subairi",
    "Mahfud", "Samsul", "Sukri", "Busiri", "Nur", "Rahmat", "Hendra", "Dedi", "Supriyadi", "Nanang",
)  # fmt: skip
MID_MALE_SECOND = (
    "Setiawan", "Prasetyo", "Santoso", "Susilo", "Purnomo", "Wibowo", "Hartono", "Gunawan", "Nugroho",
    "Hidayat", "Fauzi", "Hasan", "Rohman", "Rahman", "Sholeh", "Arifin", "Anwar", "Huda", "Effendi",
    "Kurniawan", "Hariyanto", "Sutrisno", "Ma'ruf", "Mustofa", "Mustafa", "Syafi'i", "Afandi", "Sidiq",
)  # fmt: skip
MID_FEMALE_FIRST = (
    "Sri", "Endang", "Siti", "Sitti", "Nur", "Dewi", "Retno", "Indah", "Puji", "Yuli", "Ratna", "Tri",
    "Dwi", "Ani", "Lilik", "Umi", "Fatimah", "Aisyah", "Nurul", "Hosniyah", "Saniyah", "Mardiyah", "Rahmah",
    "Holifah", "Sumaiyah", "Ernawati", "Wiwik", "Yayuk", "Rina", "Evi", "Novi", "Lina",
)  # fmt: skip
MID_FEMALE_SECOND = (
    "Wahyuni", "Rahayu", "Lestari", "Wulandari", "Purwanti", "Ningsih", "Yuliani", "Mulyani", "Aminah",
    "Maimunah", "Khotijah", "Chotimah", "Zubaidah", "Nurhayati", "Hayati", "Susanti", "Handayani",
    "Kurniasih", "Rohmah", "Jamilah", "Muawanah", "Agustina", "Fitriani", "Marlina", "Anggraini",
)  # fmt: skip

MID_MALE_SINGLE = ("Suyanto", "Sugiyanto", "Mujiono", "Supardi", "Sumardi", "Kusnadi", "Sunarto", "Rusdi")
MID_FEMALE_SINGLE = ("Suryani", "Ernawati", "Sumarni", "Yuliati", "Mujiati", "Sunarsih", "Khusnul", "Rukmini")

# --- born 2001-2015: school-age children ------------------------------------------------------------------
YOUNG_MALE = (
    "Dimas", "Rizky", "Rizki", "Aditya", "Fajar", "Bagas", "Yoga", "Rafi", "Reza", "Fikri", "Ilham", "Dafa",
    "Daffa", "Alif", "Farhan", "Rendi", "Andika", "Galang", "Aldi", "Fauzan", "Naufal", "Zaki", "Iqbal",
)  # fmt: skip
YOUNG_MALE_LAST = (
    "Pratama", "Saputra", "Ramadhan", "Ramadan", "Firmansyah", "Maulana", "Hidayatullah", "Kurniawan",
    "Nugraha", "Alfarizi", "Aditya", "Setiawan", "Mubarok", "Syahputra",
)  # fmt: skip
YOUNG_FEMALE = (
    "Putri", "Nabila", "Salsabila", "Aulia", "Dinda", "Anisa", "Annisa", "Nadia", "Tiara", "Intan", "Nur",
    "Siti", "Dewi", "Ayu", "Zahra", "Amelia", "Citra", "Laila", "Rara", "Fitri", "Khoirun", "Nisa",
)  # fmt: skip
YOUNG_FEMALE_LAST = (
    "Lestari", "Azzahra", "Ramadhani", "Rahmawati", "Safitri", "Maharani", "Putri", "Nur Aini", "Nuraini",
    "Agustin", "Oktaviani", "Febriyanti", "Kurnia", "Khasanah", "Hasanah", "Nisa",
)  # fmt: skip

# --- born 2016 and later: toddlers ---------------------------------------------------------------------------
TODDLER_MALE = (
    "Arkan", "Alvaro", "Kenzo", "Rafa", "Zidan", "Abizar", "Abidzar", "Athar", "Azka", "Gibran", "Arsenio",
    "Elvano", "Kenzie", "Arsakha", "Raffasya", "Zayyan", "Emir", "Ukasyah", "Al Fatih", "Shaka", "Danendra",
    "Kaivan", "Rayyan", "Ibrahim", "Yusuf", "Umar", "Hamzah", "Bilal",
)  # fmt: skip
TODDLER_FEMALE = (
    "Aqila", "Almeira", "Khanza", "Naura", "Zahra", "Kirana", "Alesha", "Shanum", "Arsyila", "Syakila",
    "Nadhifa", "Adiba", "Hafizah", "Aisyah", "Humaira", "Medina", "Kinara", "Queen", "Alea", "Ayesha",
    "Qirani", "Shakila", "Adzkia", "Najwa", "Zhafira",
)  # fmt: skip
TODDLER_MIDDLE_MALE = ("Al", "El", "Rafif", "Alfarezel", "Ahza", "Fathan", "Arrasyid", "Azzam", "Hafiz")
TODDLER_MIDDLE_FEMALE = ("Putri", "Azzahra", "Nur", "Khairunnisa", "Mikayla", "Arumi", "Zivana", "Latisha")
TODDLER_LAST = (
    "Al Fatih", "Ramadhan", "Pratama", "Alfarizqi", "Maulana", "Wijaya", "Mahendra", "Prasetya", "Nugroho",
    "Ramadhani", "Azzahra", "Rahmadani", "Salsabila", "Permata", "Anindita", "Anandita",
)  # fmt: skip
MUHAMMAD = ("Muhammad", "Muhammad", "Muhammad", "Mochammad", "Moch.", "M.", "Mohammad", "Muhamad")

NICKNAMES_MALE = ("Adi", "Bagus", "Kiki", "Ucup", "Dodik", "Gus", "Cung", "Le")
NICKNAMES_FEMALE = ("Nana", "Ica", "Caca", "Ifa", "Tika", "Sasa", "Lala", "Nduk", "Ning")
_NOT_A_CALL_NAME = {"muhammad", "mochammad", "moch", "moh", "mohammad", "muhamad", "abdul", "siti", "sitti", "nur",
                    "sri", "al", "el", "mbok"}  # fmt: skip


def person_name(rng: random.Random, sex: str, birth_year: int) -> str:
    """A name as it would be written on a KK for someone of this sex born in this year."""
    male = sex == "L"
    if birth_year < 1965:
        name = rng.choice(OLD_MALE if male else OLD_FEMALE)
        if rng.random() < 0.25:
            name += " " + rng.choice(MID_MALE_SECOND if male else MID_FEMALE_SECOND)
        return name
    if birth_year <= 2000:
        first = rng.choice(MID_MALE_FIRST if male else MID_FEMALE_FIRST)
        if rng.random() < 0.15:
            return rng.choice(MID_MALE_SINGLE if male else MID_FEMALE_SINGLE)
        return f"{first} {rng.choice(MID_MALE_SECOND if male else MID_FEMALE_SECOND)}"
    if birth_year <= 2015:
        words = [rng.choice(YOUNG_MALE if male else YOUNG_FEMALE)]
        if male and rng.random() < 0.25:
            words.insert(0, rng.choice(MUHAMMAD))
        words.append(rng.choice(YOUNG_MALE_LAST if male else YOUNG_FEMALE_LAST))
        if rng.random() < 0.3:
            words.insert(-1, rng.choice(YOUNG_MALE if male else YOUNG_FEMALE))
        return " ".join(dict.fromkeys(words))
    words = [rng.choice(TODDLER_MALE if male else TODDLER_FEMALE)]
    if male and rng.random() < 0.45:
        words.insert(0, rng.choice(MUHAMMAD))
    if rng.random() < 0.5:
        words.append(rng.choice(TODDLER_MIDDLE_MALE if male else TODDLER_MIDDLE_FEMALE))
    if rng.random() < 0.85:
        words.append(rng.choice(TODDLER_LAST))
    return " ".join(dict.fromkeys(words))


def nickname(rng: random.Random, name: str, sex: str) -> str:
    """A call name: usually a piece of the name, sometimes a family nickname."""
    if rng.random() < 0.15:
        return rng.choice(NICKNAMES_MALE if sex == "L" else NICKNAMES_FEMALE)
    words = [w for w in name.replace(".", "").split() if len(w) > 1 and w.lower() not in _NOT_A_CALL_NAME]
    return (words[0] if words else name.split()[-1]).replace("'", "")


STAFF = (
    # username, full name, role, NIP (18 digits: birth date, appointment month, sex, serial)
    ("supervisor", "Dra. Endang Sri Wahyuni, M.Si.", "supervisor", "197204121998032005"),
    ("pekerja", "Rina Agustina, S.Tr.Sos.", "worker", "198808172015032002"),
    ("fitri", "Fitri Handayani, S.Sos.", "worker", "199102032019032011"),
    ("hendra", "Hendra Kurniawan, S.Tr.Sos.", "worker", "198905222014021001"),
    ("yusuf", "Moch. Yusuf Effendi, S.Psi.", "worker", "199311092020121003"),
)
